/**
 * Registers every built-in reward and node kind. Imported by the CLI, the server, the library entry
 * point and every worker thread, so a reward registered here can be named in any spec.
 * A capability adds one line.
 */
import './core/combinators/index.js';
import './verifiers/text/index.js';
import './verifiers/format/index.js';
import './verifiers/length/index.js';
import './judges/index.js';
import './verifiers/math/index.js';
import './verifiers/code/index.js';
// agentic: SQL by execution, tool calls, per-turn rewards
import './verifiers/sql/index.js';
import './verifiers/tools/index.js';
import './verifiers/agent/index.js';
import './credit/shaping/index.js';
// Instruction following and reference similarity (issue 18).
import './verifiers/ifeval/index.js';
import './verifiers/similarity/index.js';
import './graders/index.js';

/** Registers the core node kinds: a leaf (`use`) and the combinators. */
import '../engine/leaf.js';
import './nary.js';
import './gate.js';
import './unary.js';
import './route.js';

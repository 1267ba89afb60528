import { constants } from 'node:os';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { findProfile, getSandbox, languageNames, type RunResult } from '../../sandbox/index.js';
import { abortOnDisconnect } from '../disconnect.js';
import { HttpError } from '../http-error.js';
import { parseBody } from '../request.js';
import type { ScoringService } from '../service.js';

// SandboxFusion's RunCodeRequest; fields we do not use (fetch_files…) are accepted and ignored.
const runCodeBody = z.looseObject({
  code: z.string(),
  language: z.string(),
  stdin: z.string().nullable().optional(),
  run_timeout: z.number().positive().max(3600).optional(),
  compile_timeout: z.number().positive().max(3600).optional(),
  memory_limit_MB: z.number().int().optional(),
  /** Relative path → base64 content (null entries are skipped), as SandboxFusion sends them. */
  files: z.record(z.string(), z.string().nullable()).optional(),
});

/** SandboxFusion language names that differ from Assay's profile aliases. */
const LANGUAGE_ALIASES: Record<string, string> = { nodejs: 'javascript' };

interface CommandRunResult {
  status: 'Finished' | 'Error' | 'TimeLimitExceeded';
  execution_time: number;
  return_code: number | null;
  stdout: string;
  stderr: string;
}

/** Caps on what one `/run_code` request may ask for, so a single request cannot hold a slot or memory for long. */
export interface RunCodeLimits {
  /** Largest `run_timeout` accepted, in seconds (400 beyond). */
  maxRunTimeoutS: number;
  /** Largest `memory_limit_MB` accepted (400 beyond). */
  maxMemoryMb: number;
}

export const DEFAULT_RUN_CODE_LIMITS: RunCodeLimits = { maxRunTimeoutS: 120, maxMemoryMb: 8192 };

/** A 400 naming the field and the server's cap when the request asks for more. */
function checkRunCodeLimits(
  body: { run_timeout?: number | undefined; memory_limit_MB?: number | undefined },
  limits: RunCodeLimits,
): void {
  if (body.run_timeout !== undefined && body.run_timeout > limits.maxRunTimeoutS)
    throw new HttpError(
      400,
      `run_timeout: at most ${limits.maxRunTimeoutS} s on this server (assay serve --max-run-timeout-s), got ${body.run_timeout}`,
    );
  if (body.memory_limit_MB !== undefined && body.memory_limit_MB > limits.maxMemoryMb)
    throw new HttpError(
      400,
      `memory_limit_MB: at most ${limits.maxMemoryMb} on this server (assay serve --max-memory-mb), got ${body.memory_limit_MB}`,
    );
}

/**
 * SandboxFusion's `POST /run_code`, backed by the Assay sandbox shared with every reward of this server, so
 * verl's sandbox_fusion integration can point at Assay unchanged. Limits: `run_timeout` (s) is the wall and
 * CPU limit of the run; `memory_limit_MB` the address-space limit (-1: the sandbox default).
 */
export const sandboxFusionRoutes: FastifyPluginAsync<{
  service: ScoringService;
  limits?: RunCodeLimits;
}> = async (app, { service, limits = DEFAULT_RUN_CODE_LIMITS }) => {
  app.post('/run_code', async (req, reply) => {
    const body = parseBody(runCodeBody, req.body);
    checkRunCodeLimits(body, limits);
    const language = LANGUAGE_ALIASES[body.language] ?? body.language;
    if (!findProfile(language)) {
      throw new HttpError(
        400,
        `language: "${body.language}" is not supported; supported: ${languageNames().join(', ')}, nodejs`,
      );
    }
    const files: Record<string, string> = {};
    for (const [path, content] of Object.entries(body.files ?? {})) {
      if (content !== null) files[path] = Buffer.from(content, 'base64').toString('utf8');
    }
    const runMs = Math.round((body.run_timeout ?? 10) * 1000);
    const release = service.enter(1);
    try {
      const result = await getSandbox(service.runtime.env).run({
        language,
        code: body.code,
        ...(body.stdin != null && { stdin: body.stdin }),
        files,
        limits: {
          wallMs: runMs,
          cpuMs: runMs,
          ...(body.memory_limit_MB !== undefined &&
            body.memory_limit_MB > 0 && { memoryMb: body.memory_limit_MB }),
        },
        signal: abortOnDisconnect(reply),
      });
      return toRunCodeResponse(result);
    } finally {
      release();
    }
  });
};

export function toRunCodeResponse(r: RunResult) {
  const compileFailed = r.compile !== undefined && r.compile.status !== 'ok';
  const compile_result: CommandRunResult | null = r.compile
    ? {
        status: commandStatus(r.compile.status),
        execution_time: r.compile.wallMs / 1000,
        return_code: r.compile.exitCode,
        stdout: r.compile.stdout,
        stderr: r.compile.stderr,
      }
    : null;
  const run_result: CommandRunResult | null = compileFailed
    ? null
    : {
        status: commandStatus(r.status),
        execution_time: r.wallMs / 1000,
        return_code: r.exitCode ?? signalCode(r.signal),
        stdout: r.stdout,
        stderr: r.stderr,
      };
  const status = r.status === 'sandbox_error' ? 'SandboxError' : r.status === 'ok' ? 'Success' : 'Failed';
  return { status, message: r.message ?? '', compile_result, run_result, executor_pod_name: null, files: {} };
}

function commandStatus(status: RunResult['status']): CommandRunResult['status'] {
  if (status === 'timeout') return 'TimeLimitExceeded';
  if (status === 'sandbox_error') return 'Error';
  return 'Finished';
}

/** A process killed by a signal reports -signum, as Python's subprocess (SandboxFusion's runner) does. */
function signalCode(signal: string | null): number | null {
  const n = signal ? (constants.signals as Record<string, number>)[signal] : undefined;
  return n === undefined ? null : -n;
}

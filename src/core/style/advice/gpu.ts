import { execFile } from 'node:child_process';
import { RepoSageError } from '../../errors';

/** Whether the training recipe could use a CUDA GPU here, and what the answer rests on. */
export interface GpuProbe {
  /** What PyTorch says; 'unknown' when Python or PyTorch is missing or did not answer in time. */
  cuda: 'yes' | 'no' | 'unknown';
  /** GPUs nvidia-smi lists ("NVIDIA H100, 81559 MiB"); empty when it is missing or lists none. */
  nvidiaGpus: string[];
  /** One sentence on what was found. */
  detail: string;
}

export interface GpuProbeOptions {
  /** The Python that would run the recipe. Default: python3. */
  python?: string;
  /** Importing torch takes seconds; a hung import must not hold up the advice. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const NVIDIA_SMI_TIMEOUT_MS = 5_000;

export async function probeGpu(options: GpuProbeOptions = {}): Promise<GpuProbe> {
  const python = options.python ?? 'python3';
  const [torch, smi] = await Promise.all([
    run(
      python,
      ['-c', 'import torch; print(torch.cuda.is_available())'],
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      options.signal,
    ),
    run(
      'nvidia-smi',
      ['--query-gpu=name,memory.total', '--format=csv,noheader'],
      NVIDIA_SMI_TIMEOUT_MS,
      options.signal,
    ),
  ]);
  const nvidiaGpus = smi.ok
    ? smi.stdout
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
    : [];
  const gpus = nvidiaGpus.length > 0 ? ` nvidia-smi lists ${nvidiaGpus.join('; ')}.` : ' nvidia-smi lists no GPU.';
  if (torch.ok) {
    const available = torch.stdout.trim().split('\n').at(-1) === 'True';
    return {
      cuda: available ? 'yes' : 'no',
      nvidiaGpus,
      detail: `PyTorch under ${python} ${available ? 'sees' : 'does not see'} a CUDA GPU.${gpus}`,
    };
  }
  const why = torch.missing
    ? `${python} was not found`
    : /No module named ['"]?torch/.test(torch.stderr)
      ? `PyTorch is not installed for ${python}`
      : torch.timedOut
        ? `${python} did not answer within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`
        : `${python} failed to import PyTorch`;
  return { cuda: 'unknown', nvidiaGpus, detail: `Cannot tell whether Python sees a CUDA GPU: ${why}.${gpus}` };
}

interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The program does not exist. */
  missing: boolean;
  timedOut: boolean;
}

function run(command: string, args: string[], timeoutMs: number, signal: AbortSignal | undefined): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, signal, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (signal?.aborted) return reject(new RepoSageError('CANCELLED', 'The operation was cancelled.'));
      const code = (error as NodeJS.ErrnoException | null)?.code;
      resolve({
        ok: error === null,
        stdout,
        stderr,
        missing: code === 'ENOENT',
        timedOut: error !== null && (error as { killed?: boolean }).killed === true,
      });
    });
  });
}

import { SingleBar } from "cli-progress";

/** Reports ingest progress: a bar with rate and ETA on a terminal, one log line per file otherwise. */
export interface Progress {
  /** One file done; `line` is what a log shows for it. */
  tick(line: string, failed: boolean): void;
  stop(): void;
}

export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total === 0) {
    return { tick: (line) => stream.write(`${line}\n`), stop: () => {} };
  }
  const started = Date.now();
  let failed = 0;
  const bar = new SingleBar({
    stream,
    format: "{bar} {percentage}% | {value}/{total} articles | {rate}/s | ETA {eta_formatted} | {failed} failed",
    barCompleteChar: "█",
    barIncompleteChar: "░",
    hideCursor: true,
    etaBuffer: 50,
    fps: 10,
  });
  bar.start(total, 0, { rate: "0.0", failed: 0 });
  return {
    tick(_line, didFail) {
      if (didFail) failed++;
      const seconds = (Date.now() - started) / 1000;
      const done = bar.getProgress() * total + 1;
      bar.increment(1, { rate: (done / Math.max(seconds, 0.001)).toFixed(1), failed });
    },
    stop: () => bar.stop(),
  };
}

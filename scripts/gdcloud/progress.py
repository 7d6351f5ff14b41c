"Show what a long set-up step is doing, on one line"
import shutil
import subprocess
import sys
import time


def step(text):
    print(f"==> {text}", flush=True)


def run(args, env=None, label=''):
    """Run args; on a terminal show its latest log line as progress.

    The whole output is printed if the command fails."""
    start = time.monotonic()
    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns - 1
    lines = []
    with subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True) as process:
        for line in process.stdout:
            lines.append(line)
            if tty:
                status = f"    {time.monotonic() - start:5.0f}s {label} " \
                    + line.strip()
                print('\r' + status[:width].ljust(width), end='', flush=True)
    if tty:
        print('\r' + ' ' * width + '\r', end='')
    if process.returncode:
        sys.stdout.write(''.join(lines))
        raise SystemExit(
            f"{label or args[0]} failed with exit code {process.returncode}")
    print(f"    {label} done in {time.monotonic() - start:.1f}s", flush=True)


if __name__ == '__main__':
    # python3 progress.py LABEL COMMAND [ARG ...], used by bootstrap.sh
    run(sys.argv[2:], label=sys.argv[1])

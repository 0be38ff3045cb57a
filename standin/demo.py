"""The showcase (``make demo``): both seed workflows, run by the real CLI against the local Mixpanel stand-in.

Starts the stand-in on a free 127.0.0.1 port, runs ``arazzo-runner run`` for each workflow with its example
inputs (dated today, UTC, so segmentation sees the events just tracked), prints what the CLI prints, and
stops the stand-in. Exits non-zero if either workflow does not succeed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from mixpanel_standin.app import create_app  # noqa: E402 - needs the path set above
from mixpanel_standin.config import StandinConfig  # noqa: E402
from mixpanel_standin.server import serve_in_thread  # noqa: E402

# Each workflow with the source descriptions it uses; the CLI refuses --server for a source a run never calls.
WORKFLOWS = {
    "mixpanel-track-and-segment": ("ingestionApi", "queryApi"),
    "mixpanel-identity-resolve-and-track": ("identityApi", "ingestionApi", "queryApi"),
}


def main() -> int:
    """Run the showcase; return the process exit status."""
    config = StandinConfig.from_env()
    user, secret = config.service_account
    today = datetime.now(UTC).date().isoformat()
    failures = 0
    with serve_in_thread(create_app(config)) as base:
        print(f"Mixpanel stand-in listening on {base} (project {config.project_id})\n", flush=True)
        for name, sources in WORKFLOWS.items():
            bases = {"ingestionApi": base, "identityApi": base, "queryApi": f"{base}/api/query"}
            servers = [arg for source in sources for arg in ("--server", f"{source}={bases[source]}")]
            credentials = [arg for source, scheme in (("queryApi", "serviceAccount"), ("identityApi", "basicAuth"))
                           if source in sources for arg in ("--auth", f"{source}.{scheme}={user}:{secret}")]
            document = ROOT / "workflows" / f"{name}.arazzo.yaml"
            command = [
                sys.executable, "-m", "arazzo_runner", "run", str(document.relative_to(ROOT)),
                "--inputs", str((ROOT / "workflows" / f"{name}.inputs.json").relative_to(ROOT)),
                "--input", f"fromDate={today}", "--input", f"toDate={today}",
                *servers, *credentials,
            ]
            print(f"$ arazzo-runner run {document.relative_to(ROOT)} --inputs ... --server ... --auth ...",
                  flush=True)
            code = subprocess.call(command, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
            print(f"(exit code {code})\n", flush=True)
            failures += code != 0
    print("showcase: both workflows succeeded" if not failures else f"showcase: {failures} workflow(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""The scripted proposer's program: plays one proposal in the current folder.

Standard library only: it runs under the gate's sandbox, where only the interpreter is
visible. ``python -I -S scripted_proposer.py PROPOSAL_JSON``; prints a JSON line of usage.
"""

import json
import os
import sys
import time


def main() -> int:
    """Apply the proposal given as JSON on the command line; return its exit code."""
    proposal = json.loads(sys.argv[1])
    time.sleep(proposal.get("sleep_s", 0))
    for path, content in proposal.get("write", {}).items():
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(content)
    for path in proposal.get("delete", []):
        if os.path.lexists(path):
            os.unlink(path)
    for path, target in proposal.get("symlink", {}).items():
        os.symlink(target, path)
    print(json.dumps({"type": "usage", "tokens": proposal.get("tokens", 0)}))
    print(json.dumps({"type": "message", "text": proposal.get("message", "")}))
    return int(proposal.get("exit_code", 0))


if __name__ == "__main__":
    sys.exit(main())

"""Slot uids are reserved machine-wide: two assay processes never share one."""

from __future__ import annotations

import subprocess
import sys

from assay.sandbox.uids import release_uid, reserve_uids

HOLDER = """
import sys
from assay.sandbox.uids import reserve_uids
print(",".join(map(str, reserve_uids(3))), flush=True)
sys.stdin.read()  # hold the reservations until the test closes stdin
"""


def test_another_process_never_gets_a_held_uid() -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        theirs = {int(u) for u in holder.stdout.readline().split(",") if u}
        assert len(theirs) == 3
        mine = reserve_uids(3)
        assert len(mine) == 3 and not theirs & set(mine)
        for uid in mine:
            release_uid(uid)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()


def test_a_dead_holder_frees_its_uids() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HOLDER], input="", capture_output=True, text=True, check=True
    )
    theirs = {int(u) for u in done.stdout.split(",")}
    mine = reserve_uids(3)
    try:
        # The kernel dropped the dead holder's locks: its uids are the lowest free ones again.
        assert theirs & set(mine)
    finally:
        for uid in mine:
            release_uid(uid)


def test_a_process_does_not_reserve_the_same_uid_twice() -> None:
    first, second = reserve_uids(2), reserve_uids(2)
    try:
        assert not set(first) & set(second)
    finally:
        for uid in first + second:
            release_uid(uid)

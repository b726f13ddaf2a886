"""``python -m msa_kit.backup dump|restore|prune``: a service's backups, in the service's own
image (the backup CronJobs run this). Connections from the service's settings
(``SERVICE_NAME``, ``MONGODB_URI``, ``KAFKA_*``); the databases are named on the command line."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from msa_kit.backup.offsets import BeyondRetention
from msa_kit.backup.run import DEFAULT_KEEP, chosen, prune, restore_backup, take
from msa_kit.settings import KitSettings


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m msa_kit.backup", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="take a backup into ROOT/<UTC stamp>, then prune")
    d.add_argument("--root", type=Path, required=True)
    d.add_argument("--database", action="append", required=True, dest="databases")
    keep = int(os.environ.get("BACKUP_KEEP", str(DEFAULT_KEEP)))
    d.add_argument("--keep", type=int, default=keep,
                   help=f"complete backups kept (default: BACKUP_KEEP, else "
                   f"{DEFAULT_KEEP})")  # fmt: skip
    d.add_argument("--no-offsets", action="store_true", help="do not save the group's offsets")
    d.add_argument("--no-gzip", action="store_true", help="write uncompressed files")
    r = sub.add_parser("restore", help="replace the databases by a backup's; set offsets")
    r.add_argument("--from", required=True, dest="backup",
                   help="a backup's folder; with --root also its name or 'latest'")  # fmt: skip
    r.add_argument("--root", type=Path, help="the folder of the service's backups")
    r.add_argument("--database", action="append", required=True, dest="databases")
    r.add_argument("--no-offsets", action="store_true", help="leave the group's offsets")
    r.add_argument("--accept-loss", action="store_true",
                   help="restore although the topics no longer hold all that followed the "
                   "backup (older than their retention)")  # fmt: skip
    p = sub.add_parser("prune", help="remove all but the KEEP newest backups")
    p.add_argument("--root", type=Path, required=True)
    p.add_argument("--keep", type=int, required=True)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command == "prune":
        prune(args.root, args.keep, say=_say)
        return
    try:
        settings = KitSettings()
    except ValidationError as exc:
        _say(f"error: settings incomplete (SERVICE_NAME, MONGODB_URI, KAFKA_*): {exc}")
        raise SystemExit(2) from None
    if args.command == "dump":
        offsets, gzip = not args.no_offsets, not args.no_gzip
        work = take(settings, args.root, args.databases, keep=args.keep, with_offsets=offsets,
                    compress=gzip, say=_say)  # fmt: skip
        asyncio.run(work)
    else:
        backup = chosen(args.root, args.backup)
        try:
            asyncio.run(restore_backup(settings, backup, args.databases,
                                       with_offsets=not args.no_offsets,
                                       accept_loss=args.accept_loss, say=_say))  # fmt: skip
        except BeyondRetention as exc:
            _say(f"error: {exc}")
            raise SystemExit(2) from None


if __name__ == "__main__":
    main()

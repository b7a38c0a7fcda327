import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.audit import chain


def _when(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S") if at is not None else "-"


def describe(report: chain.ChainReport) -> list[str]:
    """What an operator reads about one chain: where it breaks, or that it holds and its head."""
    log = report.model._meta.verbose_name_plural
    lines = []
    broken = report.broken
    if broken is not None and broken.problem == "changed":
        lines.append(
            _(
                "%(log)s: the chain breaks at #%(seq)d (row %(id)s, %(at)s): the row was changed after it "
                "was sealed. Its content gives the hash %(expected)s, the chain holds %(found)s."
            )
            % {
                "log": log,
                "seq": broken.seq,
                "id": broken.row_id,
                "at": _when(broken.at),
                "expected": broken.expected,
                "found": broken.found,
            }
        )
    elif broken is not None:
        previous_seq, previous_id, previous_at = broken.missing_after
        lines.append(
            _(
                "%(log)s: the chain breaks after #%(previous)d (row %(previous_id)s, %(previous_at)s): the "
                "next row is #%(seq)d (row %(id)s, %(at)s), so #%(first)d to #%(last)d were removed after "
                "they were sealed."
            )
            % {
                "log": log,
                "previous": previous_seq,
                "previous_id": previous_id if previous_id is not None else "-",
                "previous_at": _when(previous_at),
                "seq": broken.seq,
                "id": broken.row_id,
                "at": _when(broken.at),
                "first": int(broken.expected),
                "last": broken.seq - 1,
            }
        )
    elif report.sealed == 0:
        lines.append(_("%(log)s: no row sealed yet.") % {"log": log})
    else:
        lines.append(
            _("%(log)s: %(count)d sealed rows, the chain holds. Head: #%(seq)d (row %(id)s, %(at)s) %(hash)s")
            % {
                "log": log,
                "count": report.sealed,
                "seq": report.head_seq,
                "id": report.head_id if report.head_id is not None else "-",
                "at": _when(report.head_at),
                "hash": report.head_hash,
            }
        )
    if report.unsealed:
        lines.append(
            _("%(log)s: %(count)d rows are not sealed yet; the next seal (anju audit-seal) takes them.")
            % {"log": log, "count": report.unsealed}
        )
    return lines


def noted_head(value: str) -> tuple[int, str]:
    seq, _sep, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise argparse.ArgumentTypeError(_("A noted head is written PLACE:HASH, e.g. 1234:9f86d0…"))
    return int(seq), digest


class Command(BaseCommand):
    help = "Check the audit log's hash chains: the first row changed or removed, or each chain's head."

    def add_arguments(self, parser):
        parser.add_argument(
            "--noted",
            type=noted_head,
            action="append",
            default=[],
            metavar="PLACE:HASH",
            help="a head printed by an earlier check and noted outside the database; it must still be there",
        )

    def handle(self, *args, **options):
        noted = options["noted"]
        broken = False
        found: set[tuple[int, str]] = set()
        for model in chain.CHAINED:
            report = chain.verify(model, places=[seq for seq, _digest in noted])
            broken = broken or report.broken is not None
            found.update(report.found_at.items())
            for line in describe(report):
                self.stdout.write(line)
        for seq, digest in noted:
            if (seq, digest) in found:
                self.stdout.write(
                    _("The noted head #%(seq)d %(hash)s is in the chain.") % {"seq": seq, "hash": digest}
                )
            else:
                broken = True
                self.stdout.write(
                    _(
                        "The noted head #%(seq)d %(hash)s is not in the chain: the log was rewritten, or the "
                        "chain breaks before it."
                    )
                    % {"seq": seq, "hash": digest}
                )
        if broken:
            raise CommandError(_("The audit log was changed after it was sealed (see above)."))
        self.stdout.write(
            _(
                "Note each head with the date in the county's records, outside this database: a later "
                "check whose chain no longer passes through that head means the log was rewritten."
            )
        )

"""Regions named the way clerks write them (乡镇 and 村 columns, 红旗村民委员会 or 红旗村), resolved to
codes within the county, for any import that declares region columns (the dispute ledger does).

An unknown or ambiguous name is answered with the candidates; a name given beside a code is
checked against it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import codes
from .choices import Level
from .models import Region

# Longest first: 村民委员会 before 委员会 before 村.
_ENDINGS = sorted(
    [
        "村民委员会",
        "居民委员会",
        "社区居委会",
        "社区居民委员会",
        "村委会",
        "居委会",
        "委员会",
        "社区",
        "村",
        "居",
        "人民政府",
        "街道办事处",
        "办事处",
        "街道",
        "镇",
        "乡",
        "网格",
    ],
    key=len,
    reverse=True,
)
_NOISE = re.compile(r"[\s（(【\[].*$|\s+")
CANDIDATES_SHOWN = 5


def base_name(name: str) -> str:
    """红旗村民委员会, 红旗村委会, 红旗村 -> 红旗; 甲镇人民政府 -> 甲. A name that is all ending stays."""
    text = _NOISE.sub("", str(name).strip())
    for ending in _ENDINGS:
        if text.endswith(ending) and len(text) > len(ending):
            return text[: -len(ending)]
    return text


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str


class RegionNames:
    """The live regions below some county codes, indexed by full and short name. Built once per
    import: one query, whatever the number of rows."""

    def __init__(self, county_codes: list[str]):
        self.counties = sorted(set(county_codes))
        self.by_code: dict[str, Place] = {}
        self._townships: dict[str, list[Place]] = {}
        self._villages: dict[str, list[Place]] = {}
        query = Region.objects.filter(
            retired_on__isnull=True, level__in=[Level.TOWNSHIP, Level.VILLAGE, Level.GRID]
        )
        for region in query.only("code", "name", "level").order_by("code").iterator(chunk_size=5000):
            if not any(region.code.startswith(c) for c in self.counties):
                continue
            place = Place(region.code, region.name, region.level)
            self.by_code[place.code] = place
            index = self._townships if region.level == Level.TOWNSHIP else self._villages
            for key in {region.name, base_name(region.name)}:
                index.setdefault(key, []).append(place)

    @classmethod
    def for_actor(cls, actor, perm: str) -> RegionNames:
        """The counties of the actor's jurisdiction: names resolve within them, never beyond."""
        from anju.core.scoping import ALL, prefixes_for

        prefixes = prefixes_for(actor, perm)
        if prefixes is ALL:
            counties = list(Region.objects.filter(level=Level.COUNTY).values_list("code", flat=True))
        else:
            counties = [p[:6] for p in prefixes or []]
        return cls(counties)

    def _match(self, index: dict[str, list[Place]], text: str, within: str = "") -> list[Place]:
        found = index.get(text) or index.get(base_name(text)) or []
        return [p for p in found if p.code.startswith(within)]

    def _near(self, index: dict[str, list[Place]], text: str, within: str = "") -> list[str]:
        names = sorted({p.name for places in index.values() for p in places if p.code.startswith(within)})
        near = difflib.get_close_matches(text, names, n=CANDIDATES_SHOWN, cutoff=0.4)
        if not near:
            short = base_name(text)
            near = [n for n in names if short and (short in n or base_name(n) in text)][:CANDIDATES_SHOWN]
        return near

    def _described(self, places: list[Place]) -> str:
        shown = []
        for p in places[:CANDIDATES_SHOWN]:
            township = self.by_code.get(p.code[:9])
            where = f"{township.name}" if township and township.code != p.code else ""
            shown.append(f"{where}{p.name}（{p.code}）")
        return "、".join(shown)

    def resolve(self, township: str, village: str, code: str) -> tuple[str, str, str]:
        """(code, column key at fault, message): the code the row names, or an empty code with
        the problem. Columns: township (乡镇), village (村/社区/网格), region (a code)."""
        code = codes.normalise(code) if code else ""
        town_place = None
        if township:
            found = self._match(self._townships, township)
            if not found:
                near = self._near(self._townships, township)
                message = _("No township of the county is called %(name)s.") % {"name": township}
                if near:
                    message += " " + _("Did you mean: %(names)s?") % {"names": "、".join(near)}
                return "", "township", message
            if len(found) > 1:
                message = _("%(name)s names more than one township: %(places)s.")
                return "", "township", message % {"name": township, "places": self._described(found)}
            town_place = found[0]
        place = town_place
        if village:
            within = town_place.code if town_place else ""
            found = self._match(self._villages, village, within)
            if len(found) > 1:
                # 红旗 may be both a village and its grid; the village is meant.
                villages = [p for p in found if p.level == Level.VILLAGE]
                found = villages if len(villages) == 1 else found
            if not found:
                near = self._near(self._villages, village, within)
                if town_place:
                    message = _("%(township)s has no village or community called %(name)s.") % {
                        "township": town_place.name,
                        "name": village,
                    }
                else:
                    message = _("No village or community of the county is called %(name)s.") % {
                        "name": village
                    }
                if near:
                    message += " " + _("Did you mean: %(names)s?") % {"names": "、".join(near)}
                return "", "village", message
            if len(found) > 1:
                message = _(
                    "%(name)s names more than one place: %(places)s. Give the township too, or the code."
                )
                return "", "village", message % {"name": village, "places": self._described(found)}
            place = found[0]
        if place is None:
            return code, "", ""
        # A code beside the names may be finer (a grid of the named village), never elsewhere.
        if code and not code.startswith(place.code):
            named = self.by_code.get(code)
            message = _("The code %(code)s is %(other)s, but the row names %(name)s (%(own)s).") % {
                "code": code,
                "other": named.name if named else _("no region of the county"),
                "name": place.name,
                "own": place.code,
            }
            return "", "region", message
        return code or place.code, "", ""

"""Build ``src/valuechain/engagement/data/divisions.json`` from OpenDigger's ``labeled_data/divisions/``.

Usage: ``python scripts/build_divisions.py [DIVISIONS_DIR]`` (default:
``$VALUECHAIN_DATA/ecosystem/opendigger/labeled_data/divisions``).

OpenDigger (X-lab2017/open-digger, Apache-2.0) lists location strings per Chinese province and U.S.
state. Read as-is they hold traps, which this script resolves and records in the output:

- the CN file lists Taiwan, Hong Kong and Macao as CN-TW, CN-HK and CN-MO; ISO 3166-1 gives them their
  own codes (TW, HK, MO), which the geocoder keeps (users may group them with CN themselves);
- the US file lists six outlying areas (PR, GU, VI, AS, MP, UM), each with its own ISO 3166-1 code;
- every division carries a bare two-letter alias (``ca``, ``de``, ``in``, ``pa``, ``gd``, ``sh`` ...),
  which collides with country codes and English words: they are moved to ``abbreviation`` and the
  geocoder uses a U.S. one only as a standalone upper-case component ("Austin, TX");
- a few Chinese names are wrong (they name another state): listed in ``CORRECTIONS`` with the reason.

Chinese short forms (广东 for 广东省, 北京 for 北京市) are derived by removing the administrative suffix.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import yaml

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "valuechain" / "engagement" / "data" / "divisions.json"

#: OpenDigger division code -> ISO 3166-1 alpha-2 country code, where it is not the file's country.
OWN_COUNTRY = {
    "CN-TW": "TW",
    "CN-HK": "HK",
    "CN-MO": "MO",
    "US-PR": "PR",
    "US-GU": "GU",
    "US-VI": "VI",
    "US-AS": "AS",
    "US-MP": "MP",
    "US-UM": "UM",
}

#: (division, wrong Chinese string, what it really names): dropped from that division.
CORRECTIONS = [
    ("US-AS", "阿拉斯加州", "Alaska (US-AK), not American Samoa"),
    ("US-MP", "新罕布什尔州", "New Hampshire (US-NH), not the Northern Mariana Islands"),
    ("US-UM", "哥伦比亚特区州", "the District of Columbia (US-DC), not the Minor Outlying Islands"),
    ("US-KS", "阿肯色州", "Arkansas (US-AR), not Kansas"),
    ("US-WV", "弗吉尼亚州", "Virginia (US-VA), not West Virginia"),
]

_CJK = re.compile(r"[\u3400-\u9fff]")
_CN_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")


def build(folder: Path) -> dict:
    wrong = {(code, text) for code, text, _ in CORRECTIONS}
    divisions = []
    for path in sorted(folder.glob("*/*.yml")):
        if path.name == "index.yml":
            continue
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        meta = record["meta"]
        code = meta["alpha2"]
        aliases: list[str] = []
        abbreviation = None
        names = [record["name"], record.get("name_zh") or "", *meta.get("includes", [])]
        for text in names:
            text = str(text).strip()
            if not text or (code, text) in wrong:
                continue
            if re.fullmatch(r"[A-Za-z]{2}", text):
                abbreviation = text.upper()
                continue
            if text.lower() == code.lower():
                continue  # "cn-gd": an OpenDigger key, not a place string people write
            if text not in aliases:
                aliases.append(text)
            if _CJK.search(text) and code.startswith("CN-"):
                short = _CN_SUFFIX.sub("", text)
                if len(short) >= 2 and short not in aliases:
                    aliases.append(short)
        divisions.append(
            {
                "code": code,
                "country": OWN_COUNTRY.get(code, code[:2]),
                "name": record["name"],
                "category": meta.get("category"),
                "abbreviation": abbreviation,
                "aliases": aliases,
            }
        )
    owners: dict[str, set[str]] = {}
    for division in divisions:
        for alias in division["aliases"]:
            owners.setdefault(alias.lower(), set()).add(division["code"])
    clashes = {alias: sorted(codes) for alias, codes in owners.items() if len(codes) > 1}
    if clashes:
        raise SystemExit(f"aliases naming several divisions (add a correction): {clashes}")
    return {
        "source": "X-lab2017/open-digger labeled_data/divisions @ 9dbe6212 (Apache-2.0)",
        "built_by": "scripts/build_divisions.py",
        "own_country": OWN_COUNTRY,
        "corrections": [{"division": c, "dropped": t, "reason": r} for c, t, r in CORRECTIONS],
        "divisions": divisions,
    }


def main() -> None:
    default = (
        Path(os.environ.get("VALUECHAIN_DATA", "../shared/data"))
        / "ecosystem"
        / "opendigger"
        / "labeled_data"
        / "divisions"
    )
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    data = build(folder)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(data['divisions'])} divisions -> {OUTPUT}")


if __name__ == "__main__":
    main()

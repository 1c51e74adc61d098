"""Licence knowledge in one place (issue 8 item 1): one classification rule, behaviour unchanged.

``licence_behaviour_before.json`` was captured on main before ``audit/licences.py`` existed: the licence
class of every catalogue release, the MOT class (exact and normalised) of every MOT model YAML, and for
every reference licence text its flags and the class given by each of the two old paths
(``LicenceReport.licence_class``, open-data first, from the text; ``governance.licence_class``, OSI
first, from the id and the flags).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from valuechain.audit.collectors import split_front_matter
from valuechain.audit.licence import FLAGS, analyse_licence
from valuechain.audit.licences import (
    CONTROL_LEVERS,
    LEVER_FLAGS,
    OPEN_DATA_IDS,
    OSI_IDS,
    licence_class,
    mot_licences,
    normalise_licence_id,
)
from valuechain.audit.mof import mof_class

BEFORE = json.loads((Path(__file__).parent / "licence_behaviour_before.json").read_text(encoding="utf-8"))
DUAL_LISTED = ("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "GFDL-1.3", "ODbL-1.0")


@pytest.fixture(scope="module")
def reports(shared_data):
    out = {}
    for path in sorted((shared_data / "licenses" / "license-texts").glob("*.LICENSE")):
        _, body = split_front_matter(path.read_text(encoding="utf-8"))
        out[path.stem] = analyse_licence(body)
    return out


def test_one_home_for_flag_names():
    assert FLAGS is LEVER_FLAGS and CONTROL_LEVERS == LEVER_FLAGS[1:]


def test_dual_listed_ids_are_on_both_lists_and_get_open_data():
    osi_or_fsf = mot_licences().osi_or_fsf
    assert set(OPEN_DATA_IDS) & osi_or_fsf == set(DUAL_LISTED)
    for lid in DUAL_LISTED:
        assert licence_class(lid)[0] == "open_data"
        assert licence_class(lid, {"commercial_use": True}, sharing_granted=True)[0] == "open_data"
    # the suitability for a component is the MOF check, not the class: CC-BY-4.0 suits documents, not code
    assert "CC-BY-4.0" not in mot_licences().type_appropriate["code"]


def test_spellings_map_to_spdx_ids():
    for spelling, spdx in {
        "Apache 2.0": "Apache-2.0",
        "apache license 2.0": "Apache-2.0",
        "MIT License": "MIT",
        "bsd-3": "BSD-3-Clause",
        "cc-by-4.0": "CC-BY-4.0",
        "openmdw": "OpenMDW-1.0",
    }.items():
        assert normalise_licence_id(spelling) == spdx
    assert licence_class("Apache 2.0")[0] == "osi_open" and "Apache-2.0" in OSI_IDS
    assert licence_class("llama3_1")[0] == "restricted_open"
    assert licence_class("cc-by-nc-4.0")[0] == "non_commercial"
    assert licence_class(None)[0] == licence_class("proprietary")[0] == "proprietary"


def test_the_one_rule_gives_each_old_path_its_answer(reports):
    """Each old path is the one rule given that path's information; they differed only in what they knew.

    The old paths agree on every reference licence except where the text's sharing grant decides: the old
    id path never knew it (a licence text that grants no sharing -- terms of service, a bare use policy --
    reads ``proprietary`` from the text, not ``non_commercial``/``restricted_open``; one that grants
    sharing with no lever reads ``osi_open``, not ``restricted_open``). None of the dual-listed ids is a
    reference text, so precedence never decided between them here.
    """
    disagree = set()
    for key, report in reports.items():
        old = BEFORE["reference"][key]
        ident = (report.identified or {}).get("id")
        flags = report.to_dict()
        assert ident not in DUAL_LISTED
        assert report.licence_class == old["old_text_class"], key
        assert licence_class(ident, flags)[0] == old["old_id_class"], key
        if old["old_text_class"] != old["old_id_class"]:
            disagree.add(key)
    decided_by_sharing = {
        key
        for key, r in reports.items()
        if licence_class(r.identified["id"], r.to_dict(), sharing_granted=r.grant_found and r.sharing_granted)
        != licence_class(r.identified["id"], r.to_dict())
    }
    assert disagree == decided_by_sharing
    assert len(disagree) < len(reports)


def test_licence_flags_unchanged(reports):
    for key, report in reports.items():
        got = report.to_dict()
        old = BEFORE["reference"][key]
        assert {f: got[f] for f in (*FLAGS, "governing_law", "identified")} == {
            f: old[f] for f in (*FLAGS, "governing_law", "identified")
        }, key


def test_mot_classes_unchanged(shared_data):
    folder = shared_data / "openness" / "model-openness-tool" / "models"
    got = {
        p.name: [mof_class(p).mof_class, mof_class(p, normalized=True).mof_class]
        for p in sorted(folder.rglob("*.yml"))
    }
    assert got == BEFORE["mot_class"]


def test_catalogue_licence_classes_unchanged():
    from valuechain.audit.ranking import audit_catalog

    frame = audit_catalog()
    assert dict(zip(frame["name"], frame["licence_class"], strict=True)) == BEFORE["catalog_licence_class"]

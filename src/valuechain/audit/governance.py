"""Governance map: Foster's five governance models of openness and the nearest GHS value-chain type.

Foster, "Openness in AI and downstream governance: a global value chain approach" (arXiv 2509.10220)
describes a gradient of access from hierarchical, closed models to fully open platforms, with five
governance models (hierarchical, captive externalised, open platform, controlled openness, full
openness), each set against Gereffi, Humphrey and Sturgeon's (2005) value-chain governance types
(hierarchy, captive, relational, modular, market) and their determinants (complexity of transactions,
codifiability, supplier capability).

The classification here is **our operationalisation** (``specs/openness-audit.md`` §5): a release is
described by a few evidence fields (:class:`GovernanceFields`) and classified by boolean rules kept as
data (``data/governance_rules.yml``), evaluated in order, first match wins. The rule language is a
small, safe expression language parsed here (no ``eval``): ``and``, ``or``, ``not``, ``==``, ``!=``,
``in``, ``not in``, parentheses, string/number/boolean literals and set literals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictInt, model_validator

from valuechain.audit.licences import CONTROL_LEVERS, LICENCE_CLASSES, licence_class
from valuechain.errors import InputError
from valuechain.textio import load_yaml_file, validate_yaml

RULES_PATH = Path(__file__).parent / "data" / "governance_rules.yml"

WEIGHTS = ("none", "gated", "open")
API = ("none", "paid", "free")
FIELD_NAMES = ("weights", "api", "licence_class", "levers", "code_open", "data_open", "platform_tied")
MODEL_ORDER = (
    "hierarchical",
    "captive_externalised",
    "open_platform",
    "controlled_openness",
    "full_openness",
)


# --------------------------------------------------------------------------------------------------
# The rule language
# --------------------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|[(){}\[\],])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "True", "False"}


class RuleSyntaxError(InputError):
    """A governance rule that is not a valid expression of the rule language."""


def _tokenise(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise RuleSyntaxError(
                f"The governance rule {text!r} has an unexpected character at position {pos}."
            )
        pos = match.end()
        if match.group("str") is not None:
            tokens.append(("lit", match.group("str")[1:-1]))
        elif match.group("num") is not None:
            num = match.group("num")
            tokens.append(("lit", float(num) if "." in num else int(num)))
        elif match.group("op") is not None:
            tokens.append(("op", match.group("op")))
        else:
            name = match.group("name")
            if name in ("true", "True"):
                tokens.append(("lit", True))
            elif name in ("false", "False"):
                tokens.append(("lit", False))
            elif name in _KEYWORDS:
                tokens.append(("kw", name))
            else:
                tokens.append(("name", name))
    return tokens


class _Parser:
    """Recursive-descent parser producing a tuple AST."""

    def __init__(self, text: str, allowed_names: Iterable[str] | None):
        self.text = text
        self.tokens = _tokenise(text)
        self.i = 0
        self.allowed = set(allowed_names) if allowed_names is not None else None

    def error(self, what: str) -> RuleSyntaxError:
        return RuleSyntaxError(f"The governance rule {self.text!r} is invalid: {what}.")

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str | None = None, value: Any = None) -> tuple[str, Any]:
        tok = self.peek()
        if tok is None:
            raise self.error("it ends too early")
        if (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            raise self.error(f"expected {value or kind} but found {tok[1]!r}")
        self.i += 1
        return tok

    def at(self, kind: str, value: Any = None) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == kind and (value is None or tok[1] == value)

    def parse(self) -> tuple:
        if not self.tokens:
            raise self.error("it is empty")
        node = self.or_expr()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def _chain(self, keyword: str, operand: Any) -> tuple:
        """``operand (keyword operand)*`` → the operand alone, or ``(keyword, [operands])``."""
        parts = [operand()]
        while self.at("kw", keyword):
            self.take()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else (keyword, parts)

    def or_expr(self) -> tuple:
        return self._chain("or", self.and_expr)

    def and_expr(self) -> tuple:
        return self._chain("and", self.not_expr)

    def not_expr(self) -> tuple:
        if self.at("kw", "not"):
            self.take()
            return ("not", self.not_expr())
        return self.comparison()

    def comparison(self) -> tuple:
        left = self.atom()
        if self.at("op", "==") or self.at("op", "!="):
            op = self.take()[1]
            return ("cmp", op, left, self.atom())
        if self.at("kw", "in"):
            self.take()
            return ("cmp", "in", left, self.atom())
        if self.at("kw", "not"):
            self.take()
            self.take("kw", "in")
            return ("cmp", "not in", left, self.atom())
        return ("truth", left)

    def atom(self) -> tuple:
        tok = self.take()
        kind, value = tok
        if kind == "lit":
            return ("lit", value)
        if kind == "name":
            if self.allowed is not None and value not in self.allowed:
                raise self.error(f"unknown field {value!r} (known: {', '.join(sorted(self.allowed))})")
            return ("field", value)
        if kind == "op" and value == "(":
            node = self.or_expr()
            self.take("op", ")")
            return node
        if kind == "op" and value in ("{", "["):
            closing = "}" if value == "{" else "]"
            items: list[Any] = []
            while not self.at("op", closing):
                item = self.take("lit")
                items.append(item[1])
                if not self.at("op", closing):
                    self.take("op", ",")
            self.take("op", closing)
            return ("lit", frozenset(items))
        raise self.error(f"unexpected {value!r}")


@dataclass(frozen=True)
class Expression:
    """A compiled rule expression: ``Expression.compile("weights == 'open'")(fields)``."""

    text: str
    tree: tuple

    @classmethod
    def compile(cls, text: str, allowed_names: Iterable[str] | None = FIELD_NAMES) -> Expression:
        if not isinstance(text, str):
            raise RuleSyntaxError(f"The governance rule {text!r} is not a string expression.")
        return cls(text, _Parser(text, allowed_names).parse())

    def evaluate(self, fields: Mapping[str, Any], trace: list[str] | None = None) -> bool:
        """Evaluate on ``fields``; append a readable account of each comparison to ``trace``."""
        return bool(_eval(self.tree, fields, trace))

    __call__ = evaluate


def _value(node: tuple, fields: Mapping[str, Any]) -> Any:
    if node[0] == "lit":
        return node[1]
    if node[0] == "field":
        if node[1] not in fields:
            raise InputError(
                f"The governance rules use the field {node[1]!r}, which the evidence does not provide."
            )
        return fields[node[1]]
    return _eval(node, fields, None)


def _show(node: tuple) -> str:
    if node[0] == "field":
        return node[1]
    if node[0] == "lit":
        v = node[1]
        if isinstance(v, frozenset):
            return "{" + ", ".join(sorted(map(repr, v))) + "}"
        return repr(v)
    return "(…)"


def _show_value(value: Any) -> str:
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(map(str, value))) + "}" if value else "{}"
    return str(value)


def _eval(node: tuple, fields: Mapping[str, Any], trace: list[str] | None) -> Any:
    kind = node[0]
    if kind == "or":
        return any(_eval(part, fields, trace) for part in node[1])
    if kind == "and":
        return all(_eval(part, fields, trace) for part in node[1])
    if kind == "not":
        return not _eval(node[1], fields, trace)
    if kind == "truth":
        value = _value(node[1], fields)
        if trace is not None and node[1][0] == "field":
            trace.append(f"{node[1][1]} is {_show_value(value)} → {bool(value)}")
        return bool(value)
    if kind == "cmp":
        _, op, left, right = node
        lv, rv = _value(left, fields), _value(right, fields)
        if op == "==":
            result = lv == rv
        elif op == "!=":
            result = lv != rv
        else:
            try:
                result = lv in rv
            except TypeError:
                result = False
            if op == "not in":
                result = not result
        if trace is not None:
            shown = left if left[0] == "field" else right
            actual = lv if left[0] == "field" else rv
            detail = f" ({shown[1]} = {_show_value(actual)})" if shown[0] == "field" else ""
            trace.append(f"{_show(left)} {op} {_show(right)}{detail} → {result}")
        return result
    if kind in ("lit", "field"):
        return _value(node, fields)
    raise RuleSyntaxError(f"Unknown node {kind!r} in a governance rule.")  # pragma: no cover


# --------------------------------------------------------------------------------------------------
# Fields, rules and results
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GovernanceFields:
    """The evidence fields the governance rules read (spec §5)."""

    weights: str = "none"
    api: str = "none"
    licence_class: str = "proprietary"
    levers: frozenset[str] = frozenset()
    code_open: bool = False
    data_open: bool = False
    platform_tied: bool = False

    def __post_init__(self) -> None:
        for name, allowed in (("weights", WEIGHTS), ("api", API), ("licence_class", LICENCE_CLASSES)):
            if getattr(self, name) not in allowed:
                raise InputError(
                    f"The governance field {name} = {getattr(self, name)!r} is not one of {', '.join(allowed)}."
                )
        object.__setattr__(self, "levers", frozenset(self.levers))

    def as_mapping(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["levers"] = sorted(self.levers)
        return out


@dataclass(frozen=True)
class Rule:
    id: str
    model: str
    when: Expression
    reason: str
    ghs_variants: tuple[tuple[Expression, str, str], ...] = ()


@dataclass(frozen=True)
class GovernanceRules:
    """The parsed rules file: model descriptions, ordered rules and the operationalisation note."""

    models: dict[str, dict[str, Any]]
    rules: tuple[Rule, ...]
    note: str
    path: str

    def classify(self, fields: GovernanceFields | Mapping[str, Any]) -> GovernanceResult:
        """Classify one release: the first rule whose expression is true wins."""
        if not isinstance(fields, GovernanceFields):
            fields = governance_fields(**dict(fields))
        mapping = fields.as_mapping()
        rejected: list[str] = []
        for rule in self.rules:
            trace: list[str] = []
            if rule.when.evaluate(mapping, trace):
                model = self.models[rule.model]
                ghs_type = model["ghs_type"]
                reasons = [f"rule {rule.id}: {rule.reason}", *trace]
                for expr, variant_type, variant_reason in rule.ghs_variants:
                    vtrace: list[str] = []
                    if expr.evaluate(mapping, vtrace):
                        ghs_type = variant_type
                        reasons.append(f"{variant_reason}: {'; '.join(vtrace)}")
                        break
                found = sorted(set(fields.levers) & set(CONTROL_LEVERS))
                return GovernanceResult(
                    model=rule.model,
                    number=int(model["number"]),
                    label=model["label"],
                    ghs_type=ghs_type,
                    rule_id=rule.id,
                    reasons=reasons,
                    rejected=rejected,
                    levers=list(model.get("levers", [])),
                    licence_levers=found,
                    determinants=dict(model.get("determinants", {})),
                    explanation=str(model.get("explanation", "")).strip(),
                    fields=fields.to_dict(),
                    note=self.note,
                    rules_path=self.path,
                )
            rejected.append(f"rule {rule.id} not met: {'; '.join(t for t in trace if t.endswith('False'))}")
        raise InputError(
            f"No governance rule in {self.path} matches the evidence {fields.to_dict()}; add a final catch-all rule."
        )


@dataclass
class GovernanceResult:
    """Foster's governance model, the nearest GHS type, the levers and the reasons for one release."""

    model: str
    number: int
    label: str
    ghs_type: str
    rule_id: str
    reasons: list[str]
    rejected: list[str]
    levers: list[str]
    licence_levers: list[str]
    determinants: dict[str, str]
    explanation: str
    fields: dict[str, Any]
    note: str
    rules_path: str = ""
    operationalisation: str = field(default="ours (Foster 2025, arXiv 2509.10220)")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def governance_fields(
    weights: str = "none",
    api: str = "none",
    licence_class: str = "proprietary",
    levers: Iterable[str] | Mapping[str, Any] | None = None,
    code_open: Any = False,
    data_open: Any = False,
    platform_tied: Any = False,
) -> GovernanceFields:
    """Build :class:`GovernanceFields`, accepting levers as a set of names or a flag mapping."""
    if isinstance(levers, Mapping):
        lever_set = frozenset(k for k, v in levers.items() if v is True and k in CONTROL_LEVERS)
    else:
        lever_set = frozenset(levers or ())
    return GovernanceFields(
        weights=str(weights),
        api=str(api),
        licence_class=str(licence_class),
        levers=lever_set,
        code_open=_truthy(code_open),
        data_open=_truthy(data_open),
        platform_tied=_truthy(platform_tied),
    )


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "y")
    if value is None:
        return False
    try:
        import math

        if isinstance(value, float) and math.isnan(value):
            return False
    except TypeError:  # pragma: no cover
        pass
    return bool(value)


def load_rules(path: str | Path | None = None) -> GovernanceRules:
    """Load and compile the rules file (default: the packaged ``governance_rules.yml``)."""
    return _load_rules_cached(str(Path(path) if path else RULES_PATH))


class _ModelSpec(BaseModel):
    """One governance model of the rules file (further keys, e.g. a description, are kept)."""

    model_config = ConfigDict(extra="allow")
    number: StrictInt  # its level on the gradient
    label: str
    ghs_type: str


class _VariantSpec(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)
    when: str
    ghs_type: str
    reason: str = "variant"


class _RuleSpec(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)
    id: str | None = None
    model: str
    when: str
    reason: str = ""
    ghs_variants: list[_VariantSpec] | None = None


class _RulesFile(BaseModel):
    """The governance rules file (``data/governance_rules.yml`` or the user's ``--rules``)."""

    models: dict[str, _ModelSpec]
    rules: list[_RuleSpec]
    note: str = ""

    @model_validator(mode="after")
    def _rules_name_known_models(self) -> _RulesFile:
        for i, rule in enumerate(self.rules, 1):
            if rule.model not in self.models:
                raise ValueError(
                    f"rule {i} names the model {rule.model!r}, which is not defined under 'models'"
                )
        return self


@lru_cache(maxsize=8)
def _load_rules_cached(path: str) -> GovernanceRules:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"The governance rules file {path} does not exist.")
    doc = load_yaml_file(p, "governance rules file")
    spec = validate_yaml(_RulesFile, doc, f"The governance rules file {path}")
    rules = tuple(
        Rule(
            id=rule.id or f"rule-{i}",
            model=rule.model,
            when=Expression.compile(rule.when),
            reason=rule.reason,
            ghs_variants=tuple(
                (Expression.compile(v.when), v.ghs_type, v.reason) for v in rule.ghs_variants or []
            ),
        )
        for i, rule in enumerate(spec.rules, 1)
    )
    return GovernanceRules(models=doc["models"], rules=rules, note=spec.note.strip(), path=path)


def classify(
    fields: GovernanceFields | Mapping[str, Any], rules: GovernanceRules | None = None
) -> GovernanceResult:
    """Classify a release on Foster's gradient with the packaged (or given) rules."""
    return (rules or load_rules()).classify(fields)


# --------------------------------------------------------------------------------------------------
# From licence ids and evidence to fields (licence classes: :func:`valuechain.audit.licences.licence_class`)
# --------------------------------------------------------------------------------------------------
def fields_from_evidence(
    evidence: Iterable[Any],
    licence_levers: Mapping[str, Any] | Iterable[str] | None = None,
    platform_tied: bool = False,
    osi_ids: Iterable[str] | None = None,
) -> tuple[GovernanceFields, list[str]]:
    """Derive :class:`GovernanceFields` from :class:`~valuechain.audit.evidence.Evidence` records.

    Weights: the ``Model parameters (Final)`` component (``extra['gated']`` → gated; open/partial →
    open; closed/absent → none). API: the ``API access`` component (open → free; partial → paid;
    ``extra['api']`` if given). Code/data open: ``Training code`` / ``Datasets`` with status open. The
    licence class comes from the weights' licence id (and the licence text's levers when read).
    Returns the fields and notes saying where each came from.
    """
    from valuechain.audit.evidence import most_open, most_open_by_component

    evidence_list = list(evidence)
    by_component = most_open_by_component(evidence_list)
    notes: list[str] = []
    w = by_component.get("Model parameters (Final)")
    if w is not None and w.method == "mot-yaml" and w.status == "closed" and w.licence:
        # In a MOT record a listed component is released; "closed" there means "not openly licensed".
        weights = "gated" if (w.extra or {}).get("gated") else "open"
    elif w is None or w.status in ("closed", "absent"):
        weights = "none"
    elif (w.extra or {}).get("gated") or (w.extra or {}).get("weights") == "gated":
        weights = "gated"
    else:
        weights = "open"
    notes.append(f"weights = {weights} ({w.source if w else 'no evidence of released weights'})")
    # Foster's API channel is the developer's own: third parties hosting released weights (Hugging Face
    # Inference Providers) are access evidence for Solaiman and the Index, not the developer's API.
    a = most_open((ev for ev in evidence_list if not (ev.extra or {}).get("third_party")), "API access")
    api = "none"
    if a is not None and not (a.extra or {}).get("hosted_only"):
        api = (a.extra or {}).get("api") or ("paid" if a.status in ("open", "partial") else "none")
    third = next(
        (ev for ev in evidence_list if ev.component == "API access" and (ev.extra or {}).get("third_party")),
        None,
    )
    notes.append(
        f"api = {api} ({a.source if a else 'no evidence of an API from the developer'})"
        + (f"; hosted by third parties ({third.source}), not counted as the developer's API" if third else "")
    )
    lic_ev = by_component.get("Licence terms")
    lic_id = (w.licence if w is not None else None) or (lic_ev.licence if lic_ev is not None else None)
    levers = licence_levers
    text_class = None
    for ev in evidence_list:
        report = (ev.extra or {}).get("licence_report")
        if ev.component == "Licence terms" and isinstance(report, Mapping):
            levers = levers if levers is not None else report
            text_class = (ev.extra or {}).get("licence_class")
            lic_id = lic_id or ev.licence
            break
    if weights == "none":
        lclass, why = "proprietary", "no weights released"
    elif text_class in LICENCE_CLASSES:
        lclass, why = text_class, f"licence class read from the licence text ({lic_id or 'unidentified'})"
    else:
        lclass, why = licence_class(lic_id, levers, osi_ids)
    notes.append(f"licence_class = {lclass} ({why})")
    code = by_component.get("Training code")
    data = by_component.get("Datasets")
    code_open = code is not None and code.status == "open"
    data_open = data is not None and data.status == "open"
    notes.append(f"code_open = {code_open}; data_open = {data_open}")
    lever_set = levers if levers is not None else ()
    fields = governance_fields(weights, api, lclass, lever_set, code_open, data_open, platform_tied)
    return fields, notes

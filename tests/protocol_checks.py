"""Test support: reading the contracts of ``ik_host.protocols`` and checking objects against them.

``members``, ``member_signature`` and ``protocols`` let ``tests/test_protocols_docs.py`` compare
the Protocols with docs/hooks.md; ``signature_problems`` is what the host's and the plugins'
conformance tests assert empty.
"""

from __future__ import annotations

import inspect
from typing import Any, Protocol

from ik_host import protocols as contracts

# Names every class body has, which are not members of a contract.
_NOT_MEMBERS = frozenset(
    {
        "__abstractmethods__",
        "__annotations__",
        "__dict__",
        "__doc__",
        "__init__",
        "__module__",
        "__orig_bases__",
        "__parameters__",
        "__protocol_attrs__",
        "__qualname__",
        "__slots__",
        "__subclasshook__",
        "__weakref__",
        "__non_callable_proto_members__",
        "__type_params__",
        "__firstlineno__",
        "__static_attributes__",
        "_is_protocol",
        "_is_runtime_protocol",
    }
)


def is_protocol(obj: Any) -> bool:
    """Whether ``obj`` is a Protocol class (not a class implementing one)."""
    return isinstance(obj, type) and bool(obj.__dict__.get("_is_protocol", False))


def protocols() -> dict[str, type]:
    """Every Protocol of ``ik_host.protocols``, by name."""
    return {
        name: obj
        for name, obj in vars(contracts).items()
        if is_protocol(obj) and obj.__module__ == contracts.__name__
    }


def members(protocol: type) -> tuple[str, ...]:
    """The member names ``protocol`` declares itself (not those of the Protocols it extends)."""
    names = [*vars(protocol).get("__annotations__", {}), *vars(protocol)]
    return tuple(dict.fromkeys(n for n in names if n not in _NOT_MEMBERS and "_abc_" not in n))


def all_members(protocol: type) -> tuple[str, ...]:
    """The member names of ``protocol``, including those of the Protocols it extends."""
    found: dict[str, None] = {}
    for cls in reversed(protocol.__mro__):
        if is_protocol(cls) and cls is not Protocol:
            found.update(dict.fromkeys(members(cls)))
    return tuple(found)


def _method(protocol: type, name: str) -> Any:
    for cls in protocol.__mro__:
        if name in vars(cls):
            return vars(cls)[name]
    return None


def member_signature(protocol: type, name: str) -> inspect.Signature | None:
    """The signature callers use for method ``name`` (without self or cls); None for data."""
    raw = _method(protocol, name)
    if raw is None:
        return None
    if isinstance(raw, classmethod):  # bound to the Protocol, so without cls
        return inspect.signature(getattr(protocol, name))
    signature = inspect.signature(raw)
    return signature.replace(parameters=list(signature.parameters.values())[1:])


_ABSENT = object()
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _call_problems(spec: inspect.Signature, impl: inspect.Signature) -> list[str]:
    """How a call made as ``spec`` says could fail on ``impl``."""
    params = list(impl.parameters.values())
    kinds = {p.kind for p in params}
    star_args = inspect.Parameter.VAR_POSITIONAL in kinds
    star_kwargs = inspect.Parameter.VAR_KEYWORD in kinds
    positional = [p for p in params if p.kind in _POSITIONAL]
    problems: list[str] = []
    passed: set[str] = set()
    spec_positional = [p for p in spec.parameters.values() if p.kind in _POSITIONAL]
    for index, want in enumerate(spec_positional):
        got = positional[index] if index < len(positional) else None
        if got is None:
            if not star_args:
                problems.append(f"takes no positional parameter {index + 1} ({want.name})")
            continue
        passed.add(got.name)
        keyword_too = want.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if keyword_too and got.name != want.name and not star_kwargs:
            problems.append(f"names parameter {index + 1} {got.name!r}, not {want.name!r}")
        if want.default is not inspect.Parameter.empty and got.default is inspect.Parameter.empty:
            problems.append(f"needs {got.name!r}, which callers may leave out")
    for want in spec.parameters.values():
        if want.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        got = impl.parameters.get(want.name)
        if got is None or got.kind not in (inspect.Parameter.KEYWORD_ONLY, *_POSITIONAL):
            if not star_kwargs:
                problems.append(f"does not take the keyword {want.name!r}")
            continue
        passed.add(got.name)
        if want.default is not inspect.Parameter.empty and got.default is inspect.Parameter.empty:
            problems.append(f"needs {got.name!r}, which callers may leave out")
    for param in params:
        required = param.default is inspect.Parameter.empty
        variadic = param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        if required and not variadic and param.name not in passed:
            problems.append(f"needs {param.name!r}, which callers never pass")
    return problems


def signature_problems(obj: Any, protocol: type) -> list[str]:
    """What keeps ``obj`` from filling ``protocol``: missing members, and methods that a call
    made as the Protocol says would fail on. Empty when it conforms.

    Data members are looked up without running properties (a cache file's ``storage`` would
    resolve the configured storage), falling back on ``hasattr`` for proxies that forward
    every attribute (Django's ``default_storage``)."""
    problems: list[str] = []
    for name in all_members(protocol):
        if inspect.getattr_static(obj, name, _ABSENT) is _ABSENT and not hasattr(obj, name):
            problems.append(f"{name}: missing")
            continue
        spec = member_signature(protocol, name)
        if spec is None:
            continue
        implementation = getattr(obj, name)
        try:
            impl = inspect.signature(implementation)
        except (TypeError, ValueError):  # a builtin without a signature: nothing to compare
            continue
        problems.extend(f"{name}: {problem}" for problem in _call_problems(spec, impl))
    return problems

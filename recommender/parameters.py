"""scikit-learn's parameter protocol (``get_params``, ``set_params``, ``repr``) without sklearn.

``sklearn.base`` costs about a second to import (it pulls in ``scipy.stats``), which the app,
the CLI and every new process would pay for three small methods. :class:`Parameters` follows
the same conventions as ``sklearn.base.BaseEstimator``: the parameters are exactly the
keyword arguments of ``__init__``, stored unchanged under the same names, so
``sklearn.base.clone`` and grid searches work on subclasses as on any estimator.
"""

from __future__ import annotations

import inspect
from typing import Any

from recommender.errors import ConfigurationError


class Parameters:
    """Mixin: parameters read from the ``__init__`` signature, the scikit-learn way."""

    @classmethod
    def _parameter_names(cls) -> list[str]:
        """The keyword arguments of ``__init__``, sorted (as scikit-learn orders them)."""
        signature = inspect.signature(cls.__init__)
        names = []
        for parameter in signature.parameters.values():
            if parameter.name == "self":
                continue
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__ must name every parameter explicitly.")
            names.append(parameter.name)
        return sorted(names)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The parameters as ``{name: value}``; with ``deep``, nested ones as ``name__sub``."""
        params: dict[str, Any] = {}
        for name in self._parameter_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{name}__{key}", sub) for key, sub in value.get_params().items())
            params[name] = value
        return params

    def set_params(self, **params: Any) -> Parameters:
        """Set parameters by name (``name__sub`` reaches a nested estimator); returns self.

        Nothing is validated here: like every scikit-learn estimator, values are checked in
        ``fit``. An unknown name raises a ConfigurationError listing the valid ones.
        """
        valid = self._parameter_names()
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ConfigurationError(
                    f"Invalid parameter {name!r} for {type(self).__name__}; "
                    f"valid parameters are: {', '.join(valid)}."
                )
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        """``Class(name=value, ...)`` listing the parameters that differ from the defaults."""
        signature = inspect.signature(type(self).__init__)
        changed = []
        for parameter in signature.parameters.values():
            if parameter.name == "self":
                continue
            value = getattr(self, parameter.name)
            default = parameter.default
            if default is parameter.empty or not _same(value, default):
                changed.append(f"{parameter.name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(value: object, default: object) -> bool:
    """Whether a parameter still has its default (``1 == 1.0`` counts, ``True == 1`` not)."""
    if type(value) is not type(default) and (isinstance(value, bool) or isinstance(default, bool)):
        return False
    try:
        return bool(value == default)
    except (TypeError, ValueError):
        return value is default

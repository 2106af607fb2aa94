"""Route guards: who may open a staff page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required


def permission_required(permission: str) -> Callable:
    """Anonymous users go to the login page; signed-in users without the permission get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def guarded(*args: Any, **kwargs: Any):
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


def any_permission(*permissions: str) -> Callable:
    """Like permission_required, for pages that several roles may open."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not any(current_user.can(p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator

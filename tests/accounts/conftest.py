"""The AppTest fixtures of tests/screens, for the sign-in gate's tests."""

from tests.screens.conftest import app  # noqa: F401

"""The screens' AppTest fixture, for the Findings and Case studies screens' tests."""

from tests.screens.conftest import app  # noqa: F401 - a fixture, found here by pytest

"""Fixtures for the host's tests: ``ik_fakes``, from ``tests/host_fakes.py``."""

from tests.host_fakes import ik_fakes as ik_fakes

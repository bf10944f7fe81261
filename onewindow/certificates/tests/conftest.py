from onewindow.registry.tests.conftest import establish, make_case  # noqa: F401  (shared fixtures)

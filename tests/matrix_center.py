"""Role-matrix rows for the center pages, merged into tests/test_role_matrix.py."""

MATRIX = {}

"""Each attack from the security review as a small generated fixture and a test.

Names that the fixes added are imported inside the tests that use them, so every other test also
runs against the code before the fixes (and fails there).
"""

"""Our solutions and the hidden cases, one module per chapter (``nnlib.solutions.ch01``, ...).

Each module holds ``SOLUTIONS`` ({exercise id: the solution's source}) and
``HIDDEN`` ({exercise id: cases the learner's check never shows, with their
expected values under ``"want"``}), plus the reference code that computes
those expected values. A class release (``python -m nnlib.instructor
release``) leaves this whole package out: the learner's checks then use the
public cases alone, and ``solution(id)`` says that solutions are not part of
that copy of the course.
"""

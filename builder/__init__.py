"""coursepack: compile a course into packages that learning-management systems track."""

__version__ = "0.1.0"

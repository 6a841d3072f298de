"""Stage 1, sources: read a course folder (course.yaml, lessons, quiz.yaml, templates) into the model.

The only code that opens course sources: bounded YAML with positions (``yamldoc``, ``limits``),
regular files only (``fileguard``), every problem located and collected (``reader``), and what
was read kept for the later stages (``files.SourceFiles``).
"""

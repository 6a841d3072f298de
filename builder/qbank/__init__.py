"""Question banks in and out: GIFT and Moodle XML to quiz.yaml, and a course's quiz back out.

Both file formats are ways of writing Moodle's own question records, so the work is in two layers:

* file format <-> Moodle's question model (:mod:`builder.questions.moodle`): ``gift.py`` and
  ``moodlexml.py`` read and write it, with Moodle's own importers' semantics (escapes, weights,
  text formats, embedded files);
* Moodle's model <-> coursepack's question types: each type definition in ``builder/questions/``
  says what it becomes in Moodle and what it makes of a Moodle question (``to_moodle`` /
  ``from_moodle``), including where the scoring cannot be the same.

``importer.py`` turns bank files into quiz.yaml questions (ids, categories as pools, checks by the
quiz reader itself), ``media.py`` writes their embedded images, ``yamlout.py`` writes or extends
quiz.yaml text, ``exporter.py`` writes a course's quiz as a bank, and ``cli.py`` holds the two
commands (imported only when one runs).
"""

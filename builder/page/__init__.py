"""Stage 3, the page: the player page every package launches, and the runtime configuration in it.

``render`` is the Jinja environment and the template context; ``runtime_config`` derives the
JSON the browser runtime reads from the course model; ``templatebox`` renders a course's own
templates in a sandboxed child process.
"""

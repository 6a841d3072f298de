"""The runtime as learners download it: the scripts minified into one file, the stylesheets minified.

The readable files in ``templates/`` stay the source of truth; a build minifies them into the
package (``build --debug`` copies them as they are). Minifying only drops comments and white
space (rjsmin, rcssmin): no name is changed, so what runs is the code in the repository. One file
of scripts instead of one per script lets gzip use what the scripts share (docs/build-speed.md,
"The runtime's weight"). Both minifiers are pinned in setup.cfg, because their output is part of the
package's bytes; their C and pure-Python versions give the same bytes (tests/unit/test_minify.py).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Sequence

#: What the bundle's parts are separated by: a comment naming the readable file the next part comes
#: from (a learner's browser console then points at a part that a reader can find).
PART_MARK = "/* {name} */\n"


def bundle_scripts(scripts: Sequence[Path]) -> bytes:
    """The *scripts*, in the order given (their load order), minified and joined into one script."""
    parts = []
    for path in scripts:
        code = minify_js(path.read_bytes().decode("utf-8")).strip()
        # a part that ends without ';' could be read as a call on the next part's opening '('
        parts.append(PART_MARK.format(name=path.name) + code + ("" if code.endswith(";") else ";") + "\n")
    return "".join(parts).encode("utf-8")


def minify_js(code: str) -> str:
    """*code* without comments and needless white space (``/*! … */`` licence comments stay)."""
    return _jsmin()(code, keep_bang_comments=True)


def minify_css(data: bytes) -> bytes:
    """A stylesheet without comments and needless white space (``/*! … */`` licence comments stay)."""
    return _cssmin()(data.decode("utf-8"), keep_bang_comments=True).encode("utf-8")


@functools.lru_cache(maxsize=None)
def _jsmin():
    # rjsmin compiles its regular expressions on import: loaded only when a package is planned (start-up)
    import rjsmin

    return rjsmin.jsmin


@functools.lru_cache(maxsize=None)
def _cssmin():
    # rcssmin compiles its regular expressions on import: loaded only when a package is planned (start-up)
    import rcssmin

    return rcssmin.cssmin

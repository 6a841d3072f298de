"""Generate a synthetic course in coursepack's source format, deterministically from a seed.

    python bench/generate.py medium /tmp/bench-medium [--seed 1]

Sizes (lessons, questions, media):
  small   6 lessons,    8 questions,   5 MB
  medium  200 lessons,  500 questions, 300 MB
  large   1000 lessons, 3000 questions, 1.5 GB

Lessons are about 8 KB of realistic HTML (headings, paragraphs, lists, an image or two). Media is
70 % incompressible files (.mp4, .mp3, .jpg filled with random bytes) and 30 % compressible ones
(.svg, .css, .json, .vtt). Everything goes into the given folder, never into the repository.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

SIZES = {
    "small": dict(lessons=6, questions=8, media=5_000_000, min_file=100_000, max_file=1_000_000),
    "medium": dict(lessons=200, questions=500, media=300_000_000, min_file=1_000_000, max_file=50_000_000),
    "large": dict(lessons=1000, questions=3000, media=1_500_000_000, min_file=1_000_000, max_file=50_000_000),
}
INCOMPRESSIBLE = (".mp4", ".mp3", ".jpg")
COMPRESSIBLE = (".svg", ".css", ".json", ".vtt")
WORDS = (
    "practice clinician compassion session client attention breath kindness evidence therapy "
    "mindfulness research module skill exercise reflection outcome wellbeing support course "
    "learning review assessment feedback resource guided meditation awareness stress care"
).split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def text_file(rng: random.Random, suffix: str, size: int) -> bytes:
    """Text-like content of about *size* bytes that compresses the way real files do."""
    out, total = [], 0
    i = 0
    while total < size:
        if suffix == ".svg":
            line = (
                f'<rect x="{rng.randint(0, 999)}" y="{rng.randint(0, 999)}" width="{rng.randint(1, 99)}" '
                f'height="{rng.randint(1, 99)}" fill="#{rng.randint(0, 0xFFFFFF):06x}"/>\n'
            )
        elif suffix == ".css":
            line = (
                f".c{i} {{ margin: {rng.randint(0, 40)}px; color: #{rng.randint(0, 0xFFFFFF):06x}; "
                f"font-size: {rng.randint(10, 30)}px; }}\n"
            )
        elif suffix == ".json":
            line = f'{{"id": {i}, "label": "{sentence(rng, 4)}", "score": {rng.random():.4f}}},\n'
        else:
            line = (
                f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000 --> {i // 3600:02d}:{i // 60 % 60:02d}:"
                f"{i % 60:02d}.900\n{sentence(rng, rng.randint(5, 12))}\n\n"
            )
        out.append(line)
        total += len(line)
        i += 1
    return "".join(out).encode()[:size]


def write_random(path: Path, rng: random.Random, size: int) -> None:
    with open(path, "wb") as fh:
        left = size
        while left:
            n = min(left, 1 << 20)
            fh.write(rng.randbytes(n))
            left -= n


def lesson_html(rng: random.Random, images) -> str:
    parts, size = [], 0
    while size < 8000:
        block = rng.random()
        if block < 0.15:
            piece = f"<h3>{sentence(rng, 4)[:-1]}</h3>\n"
        elif block < 0.3:
            piece = (
                "<ul>\n"
                + "".join(f"  <li>{sentence(rng, rng.randint(4, 10))}</li>\n" for _ in range(rng.randint(3, 6)))
                + "</ul>\n"
            )
        elif block < 0.36 and images:
            image = rng.choice(images)
            piece = f'<p><img src="../media/{image}" alt="{sentence(rng, 5)[:-1]}"></p>\n'
        else:
            piece = "<p>" + " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 5))) + "</p>\n"
        parts.append(piece)
        size += len(piece)
    return "".join(parts)


def generate(size: str, dest: Path, seed: int = 1) -> Path:
    spec = SIZES[size]
    rng = random.Random(seed)
    dest = Path(dest)
    (dest / "lessons").mkdir(parents=True, exist_ok=True)
    (dest / "media").mkdir(exist_ok=True)

    media = []  # (name, size)
    budget = spec["media"]
    incompressible = int(budget * 0.7)
    made = 0
    n = 0
    while made < budget:
        kinds = INCOMPRESSIBLE if made < incompressible else COMPRESSIBLE
        suffix = kinds[n % len(kinds)]
        limit = (incompressible if made < incompressible else budget) - made
        file_size = min(rng.randint(spec["min_file"], spec["max_file"]), limit)
        if file_size <= 0:
            break
        name = f"m{n:04d}{suffix}"
        if suffix in INCOMPRESSIBLE:
            write_random(dest / "media" / name, rng, file_size)
        else:
            (dest / "media" / name).write_bytes(text_file(rng, suffix, file_size))
        media.append(name)
        made += file_size
        n += 1

    images = [m for m in media if m.endswith((".jpg", ".svg"))]
    others = [m for m in media if m not in images]
    modules = []
    per_module = 10
    for i in range(spec["lessons"]):
        html = lesson_html(rng, images)
        if others and i < len(others):  # every media file is referenced by some lesson
            html += f'<p><a href="../media/{others[i]}">Download resource {i}</a></p>\n'
        (dest / "lessons" / f"l{i:04d}.html").write_text(html, encoding="utf-8")
        if i % per_module == 0:
            modules.append([])
        modules[-1].append(i)
    # Reference any media not linked yet from the last lesson.
    leftover = others[spec["lessons"] :] + images
    with open(dest / "lessons" / f"l{spec['lessons'] - 1:04d}.html", "a", encoding="utf-8") as fh:
        for name in leftover:
            fh.write(f'<p><a href="../media/{name}">{name}</a></p>\n')

    lines = [
        f"id: bench-{size}",
        f'title: "Synthetic {size} course"',
        "version: 1.0.0",
        "language: en",
        "pass_mark: 75",
        "mastery_score_in_manifest: false",
        "modules:",
    ]
    for m, lessons in enumerate(modules):
        lines += [f"  - id: mod{m:03d}", f'    title: "Module {m + 1}"', "    lessons:"]
        for i in lessons:
            lines += [
                f"      - id: l{i:04d}",
                f'        title: "Lesson {i + 1}"',
                f"        file: lessons/l{i:04d}.html",
            ]
    lines.append("quiz: quiz.yaml")
    (dest / "course.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    q = ['title: "Synthetic quiz"', "attempts: 3", "questions:"]
    for i in range(spec["questions"]):
        q += [
            f"  - id: q{i:04d}",
            "    type: true-false",
            f'    text: "{sentence(rng, 10)}"',
            f"    answer: {'true' if rng.random() < 0.5 else 'false'}",
            f'    explanation: "{sentence(rng, 8)}"',
        ]
    (dest / "quiz.yaml").write_text("\n".join(q) + "\n", encoding="utf-8")
    return dest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("dest", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.size, args.dest, args.seed)
    print(args.dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())

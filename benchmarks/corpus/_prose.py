"""Prose for the pages: English and Russian news vocabulary, sentences, article paragraphs with
links and emphasis, bylines' names and URL slugs, all drawn from a seeded ``random.Random``."""

from __future__ import annotations

import html
from collections.abc import Sequence
from random import Random

EN_WORDS = (
    "the", "of", "and", "to", "in", "a", "that", "for", "on", "said", "with", "as", "was", "by", "at",
    "from", "it", "its", "his", "her", "their", "court", "government", "minister", "officials", "report",
    "region", "police", "journalists", "ministry", "law", "media", "outlet", "readers", "election",
    "parliament", "vote", "opposition", "protest", "city", "council", "budget", "energy", "prices", "war",
    "ceasefire", "talks", "agreement", "border", "troops", "sanctions", "economy", "inflation", "bank",
    "rates", "investors", "company", "workers", "union", "strike", "hospital", "doctors", "patients",
    "school", "teachers", "students", "climate", "flood", "storm", "residents", "mayor", "governor",
    "president", "spokesperson", "statement", "interview", "according", "sources", "documents",
    "investigation", "prosecutors", "charges", "trial", "judge", "sentence", "appeal", "hearing", "witness",
    "evidence", "rights", "groups", "observers", "correspondent", "weeks", "months", "year", "since",
    "after", "before", "while", "under", "against", "during", "without", "however", "also", "still", "more",
    "most", "new", "first", "last", "local", "national", "foreign", "public", "private", "independent",
    "former", "senior", "several", "two", "three", "many", "other",
)  # fmt: skip


RU_WORDS = (
    "в", "и", "не", "на", "что", "с", "по", "как", "это", "из", "за", "для", "от", "до", "о", "его", "она",
    "они", "был", "была", "были", "суд", "власти", "министерство", "правительство", "чиновники", "доклад",
    "регион", "полиция", "журналисты", "издание", "читатели", "выборы", "парламент", "голосование",
    "оппозиция", "протест", "город", "бюджет", "энергия", "цены", "война", "переговоры", "соглашение",
    "граница", "санкции", "экономика", "инфляция", "банк", "ставка", "компания", "работники", "больница",
    "врачи", "школа", "учителя", "студенты", "жители", "мэр", "губернатор", "президент", "заявление",
    "интервью", "источники", "документы", "расследование", "прокуратура", "обвинение", "процесс", "судья",
    "приговор", "апелляция", "заседание", "свидетель", "правозащитники", "наблюдатели", "корреспондент",
    "недели", "месяца", "года", "после", "перед", "во", "время", "однако", "также", "ещё", "новый",
    "первый", "последний", "местный", "национальный", "независимый", "бывший", "несколько",
)  # fmt: skip


FIRST_NAMES = ("Anna", "Maria", "Elena", "James", "Oleg", "Sofia", "David", "Irina", "Tom", "Natalia")


LAST_NAMES = ("Petrova", "Smith", "Kovalenko", "Brown", "Ivanov", "Novak", "Garcia", "Sokolova", "Weber")


RU_NAMES = ("Анна Петрова", "Олег Иванов", "Ирина Соколова", "Дмитрий Орлов", "Мария Кузнецова")


def sentence(rng: Random, words: Sequence[str], low: int = 9, high: int = 26) -> str:
    text = " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: Random, words: Sequence[str] = EN_WORDS, *, site: str = "") -> str:
    """One article paragraph: prose with a link or two and some emphasis, as editors write it."""
    parts = []
    for _ in range(rng.randint(2, 5)):
        text = html.escape(sentence(rng, words), quote=False)
        roll = rng.random()
        if roll < 0.3:
            cut = text.find(" ", len(text) // 2)
            slug = "-".join(rng.choice(words) for _ in range(3))
            href = f"{site}/a/{slug}/{rng.randrange(10**6)}.html"
            text = f'{text[:cut]} <a href="{href}">{text[cut + 1 :]}</a>'
        elif roll < 0.4:
            text = f"<em>{text}</em>"
        elif roll < 0.45:
            text = f"<strong>{text}</strong>"
        parts.append(text)
    return "<p>" + " ".join(parts) + "</p>\n"


def person(rng: Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def slug(rng: Random, words: Sequence[str] = EN_WORDS, n: int = 4) -> str:
    return "-".join(rng.choice(words) for _ in range(n))

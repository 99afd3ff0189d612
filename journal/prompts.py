"""Reflective prompts that turn the writer toward people, grouped.

Deterministic and hand-written: Held never generates a prompt. The new-entry page offers one (shuffled
in the browser); writers add their own (journal.models.WriterPrompt).
"""

import random
from collections.abc import Iterable

PROMPT_GROUPS: dict[str, tuple[str, ...]] = {
    "People who hold you in mind": (
        "Who would you want to tell about today?",
        "Who held you in mind this week?",
        "Who would notice if something were wrong with you?",
        "Whose voice would you like to hear right now?",
        "Who knows you well enough to tell you when you are wrong?",
        "Who has stayed, even when it was hard?",
        "Who do you think about when something good happens?",
    ),
    "Reaching out": (
        "Who have you been meaning to get back to?",
        "What would you say to someone you miss, if it were easy?",
        "Who could you send a short message to today, just to say hello?",
        "Is there someone you would like to ask for help, and what stops you?",
        "Who might be glad to hear from you this week?",
        "What would make it a little easier to call someone today?",
        "Who would you like to spend an ordinary afternoon with?",
    ),
    "Lived experience": (
        "What would someone who has been through this say?",
        "Who do you know who came through something like this?",
        "What did someone once tell you that you still carry?",
        "What have you learned that you could pass on to someone younger?",
        "Whose way of handling hard days do you admire?",
        "What would your oldest friend remind you of right now?",
    ),
    "Honest pushback": (
        "Who disagreed with you lately, and were they partly right?",
        "What would a friend who loves you say about how you are treating yourself?",
        "What are you avoiding saying to someone?",
        "Who could you ask for an honest opinion on this?",
        "What would you tell a friend in your place?",
        "What conversation have you been rehearsing in your head?",
    ),
    "Noticing today": (
        "What happened today that you want to remember?",
        "When did you feel most like yourself today?",
        "What was hard today, and who could you share it with?",
        "What small kindness did you give or receive today?",
        "What took more energy than you expected?",
        "Where were you, and who were you with, when you felt at ease?",
    ),
    "Gratitude toward someone": (
        "Who made something easier for you recently?",
        "Who would you thank, if you knew they would not make a fuss?",
        "Who taught you something you use every day?",
        "Who believed in you before you did?",
        "What does someone do for you that you have never mentioned?",
        "Whose company do you feel calmer in, and why?",
    ),
    "Between conversations": (
        "What do you want to bring up the next time you see your therapist, coach or friend?",
        "What stayed with you from a recent conversation?",
        "Who would you like to tell how you have changed this year?",
        "What do you wish someone had asked you this week?",
        "If you could have one long conversation this month, with whom would it be?",
    ),
}

ALL_PROMPTS: tuple[str, ...] = tuple(prompt for group in PROMPT_GROUPS.values() for prompt in group)


def prompt_library(own_prompts: Iterable[str] = ()) -> list[str]:
    """Every prompt a writer can be offered: the built-in library, then their own."""
    return [*ALL_PROMPTS, *own_prompts]


def offer_prompt(own_prompts: Iterable[str] = (), rng: random.Random | None = None) -> str:
    # Not security-sensitive: any prompt will do, the writer can shuffle.
    return (rng or random).choice(prompt_library(own_prompts))

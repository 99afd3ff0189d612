"""Which words in a saved entry bring up the calm help banner, and which everyday phrasings never do."""

import pytest

from connections.crisis import contains_crisis_language

MUST_SHOW_THE_BANNER = [
    "I keep thinking about suicide.",
    "I've been feeling suicidal since Sunday",
    "Some nights I want to kill myself.",
    "i want to die",
    "I just wanna die",
    "I wish I was dead",
    "Sometimes I wish I wasn't alive.",
    "I wish I had never been born",
    "Everyone would be better off without me.",
    "I'd be better off dead",
    "I don't want to be alive anymore",
    "I dont want to wake up tomorrow",
    "I don’t want to exist",  # a curly apostrophe, as phones type it
    "I hope I don't wake up.",
    "There's no reason to live.",
    "I can't go on like this",
    "I've been thinking of ending my life",
    "I want to end it all.",
    "I thought about taking my own life.",
    "I've started cutting myself again",
    "The urge to hurt myself was strong today",
    "I have been self-harming",
    "self harm is on my mind",
    "I could take an overdose",
    "Thinking about jumping off the bridge",
    "KILL MYSELF",
    "Thoughts of dying all day",
    "I want to die. I could die of embarrassment too.",
]

MUST_NOT_SHOW_THE_BANNER = [
    "This deadline is killing me.",
    "I could die of embarrassment.",
    "I want to die of embarrassment after that meeting",
    "I nearly died laughing at the film",
    "We'll die laughing when we remember this",
    "I'm dying to see her again.",
    "That cake was to die for.",
    "Watched Suicide Squad with Sam.",
    "Trying to stop work from being career suicide.",
    "I'm cutting myself some slack this week.",
    "I was killing myself laughing at his jokes",
    "I cut myself shaving this morning.",
    "I hurt myself at the gym.",
    "I don't want to live in London any longer than I have to.",
    "I'm so tired I could sleep for a week.",
    "My boss will kill me if I'm late.",
    "My phone died on the train.",
    "The plant is dead, again.",
    "We had suicide prevention training at work today.",
    "",
]


@pytest.mark.parametrize("text", MUST_SHOW_THE_BANNER)
def test_crisis_language_shows_the_banner(text):
    assert contains_crisis_language(text) is True


@pytest.mark.parametrize("text", MUST_NOT_SHOW_THE_BANNER)
def test_everyday_phrasing_does_not_show_the_banner(text):
    assert contains_crisis_language(text) is False


def test_crisis_words_inside_other_words_do_not_count():
    assert contains_crisis_language("The selfharmony choir sang; my unaliveness essay is due") is False


def test_phrase_split_over_lines_and_markdown_still_counts():
    assert contains_crisis_language("I want to\n**kill   myself**") is True

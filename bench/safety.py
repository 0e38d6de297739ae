"""Measure the safety check: recall on crisis messages, false alarms on near misses, speed.

Run: `.venv/bin/python bench/safety.py [--errors dev]` (a few seconds)

Sets (data/README.md says how they were written):
- [dev]      data/safety_dev.jsonl: the patterns in content/*/safety.yaml were tuned on it;
- [held-out] data/safety_heldout.jsonl: written by someone who never saw the patterns, and never
             used to tune them (its errors are not printed unless asked for by name);
- [held-out indirect] data/safety_heldout_indirect.jsonl: suicidal messages that never name
             death, and near misses in their words, by another author; never trained on.
- [tune6], [tune7] data/safety_tune6.jsonl, data/safety_tune7.jsonl: the seventh and eighth
             authors' sets, each the fresh measure in its round; trained on since the eighth
             round (data/README.md says what each measured first).
- [tune8]    data/safety_tune8.jsonl: a ninth author's set, written the same way (public guidance
             only, no other set, pattern or model read); the fresh measure of the eighth round,
             trained on since the ninth.
- [tune9]    data/safety_tune9.jsonl: a tenth author's set, written the same way, weighted to
             crises inside ward questions, ward questions in crisis words and short messages;
             trained on (its figures here are a training set's).
- [tune10]   data/safety_tune10.jsonl: an eleventh author's set (indirect suicidal wordings, near
             misses in the same words, DV and abuse without the obvious words); trained on.
- [tune11]   data/safety_tune11.jsonl: a twelfth author's set, written the same way; never
             trained on, never used to tune: the fresh measure since the ninth round.
- [tune12]   data/safety_tune12.jsonl: a thirteenth author's set, weighted to suicidal messages
             that never name death and near misses in their words; trained on.
- [tune13], [tune14] data/safety_tune13.jsonl, data/safety_tune14.jsonl: the fourteenth and
             fifteenth authors' sets (first LINE messages to a city account in every register;
             mid-life crises, understatement, the elderly, DV beyond hitting); trained on.
- [tune15], [tune16] data/safety_tune15.jsonl (Japanese only, every register and dialect) and
             data/safety_tune16.jsonl (English only, foreign residents' words); trained on.
- [tune17]   data/safety_tune17.jsonl: a seventeenth author's set, weighted to suicidal messages
             that never name death and near misses in their words; trained on since the tenth
             round (its first figures, by the model before it: data/README.md).
- [tune18]   data/safety_tune18.jsonl: an eighteenth author's set, weighted to crises inside ward
             questions and to Japanese emergencies and child abuse in hurried words; never trained
             on, never used to tune: a second fresh measure since the tenth round.
- [tune19]   data/safety_tune19.jsonl: a nineteenth author's set, weighted to suicidal messages
             that never name death; trained on since the eleventh round (its first figures, by
             the model before it: data/README.md).
- [tune20]   data/safety_tune20.jsonl: a twentieth author's set, half English, weighted to
             suicidal messages that never name death and to near misses in disaster, pet, rubbish
             and tiredness words; never trained on, never used to tune: a third fresh measure since
             the eighth session (training on it was measured and declined: data/README.md).
- [tune21]   data/safety_tune21.jsonl: a twenty-first author's set (crises direct, indirect and
             inside ward questions, near misses in ward chores, hyperbole and everyday words, 41 %
             English); trained on since the fifteenth round (its first figures, by the model
             before it: data/README.md).
- [tune22]   data/safety_tune22.jsonl: a twenty-second author's set, weighted to crises inside or
             right after a ward question and to suicidal messages that never name death, near
             misses in ward chores and everyday words, 42 % English; never trained on, never used
             to tune: a fourth fresh measure since the sixteenth round (training on it was measured
             and declined: data/README.md).
- [tune23]   data/safety_tune23.jsonl: a twenty-third author's set, weighted to suicidal messages
             that never name death (every register: older people, teenagers, foreign residents'
             plain Japanese and English, hiragana, half-width kana, romaji) and to crises inside a
             ward question, near misses in the same words, 41 % English; never trained on, never
             used to tune: a fifth fresh measure since the eighteenth round (training on it, alone
             or with tune22, was measured and declined: data/README.md).
- [tune24]   data/safety_tune24.jsonl: a twenty-fourth author's set (every category and register,
             130 of its 189 suicidal messages never naming death, 45 inside a ward question), near
             misses in the same words, 40 % English; never trained on, never used to tune, its
             mistakes never read: a sixth fresh measure since the twentieth round.
- [tune25]   data/safety_tune25.jsonl: a twenty-fifth author's set (older and foreign
             residents' wording: romaji, simple English, やさしい日本語; crises inside a ward
             question, short and indirect ones), 45 % English; measured once (0.925 / 0.045),
             then tuned on (romaji lines, near misses): no longer a measure (data/README.md,
             twenty-third round).
- [tune26]   data/safety_tune26.jsonl: a twenty-sixth author's set (child abuse in Japanese:
             what neighbours and school volunteers notice, a parent at the limit, children's own
             words; suicidal messages that never name death; hurried emergencies), 35 % English;
             measured once (0.957 / 0.010), then tuned on: no longer a measure (data/README.md,
             twenty-fourth round).
- [tune27]   data/safety_tune27.jsonl: a twenty-seventh author's set (about half the crises
             someone else's, reported by a friend, a neighbour or family; polite and plain
             wording; every category evenly), 30 % English; measured once (0.970 / 0.020), then
             tuned on: no longer a measure (data/README.md, twenty-fifth round).
- [tune28]   data/safety_tune28.jsonl: a twenty-eighth author's set (how the text is typed:
             voice input, hiragana, half-width kana, wrong conversions, dialects; English of
             non-native speakers with Japanese words), 35 % English; measured once (0.937 /
             0.010), then tuned on: no longer a measure (data/README.md, twenty-sixth round).
- [tune29]   data/safety_tune29.jsonl: a twenty-ninth author's set (a general, balanced set in
             plain wording, each category half direct and half indirect), 35 % English; measured
             once (0.969 / 0.046), then tuned on: no longer a measure (data/README.md,
             twenty-seventh round).
- [tune30]   data/safety_tune30.jsonl: a thirtieth author's set (teenagers and young adults as
             they write on social media: slang, emoji, jokes that turn serious; dating violence,
             sextortion), 40 % English; measured once (0.902 / 0.046), then tuned on: no longer a
             measure (data/README.md, twenty-eighth round).
- [tune31]   data/safety_tune31.jsonl: a thirty-first author's set (middle-aged and older
             adults: men after job loss or debt, carers, people living alone, and those around
             them; understated wording), 36 % English; measured once (0.953 / 0.014), then tuned
             on: no longer a measure (data/README.md, twenty-ninth round).
- [tune32]   data/safety_tune32.jsonl: a thirty-second author's set, suicidal messages alone,
             every one indirect (no word of death), and near misses in the same words, half
             English; measured once (0.917 / 0.055), then tuned on: no longer a measure
             (data/README.md, thirtieth round).
- [tune33]   data/safety_tune33.jsonl: a thirty-third author's set, no suicidal messages:
             emergencies of every kind (half the crises), DV and child abuse, and near misses on
             preparedness and procedures, 40 % English; measured once (0.950 / 0.010), then tuned
             on: no longer a measure (data/README.md, thirty-first round).
- [tune34]   data/safety_tune34.jsonl: a thirty-fourth author's set, child abuse and suicidal
             messages as the ward's services meet them (健診, nurseries, schools, 民生委員,
             arrears), most without the obvious words, 25 % English; measured once (0.935 /
             0.030), then tuned on: no longer a measure (data/README.md, thirty-second round).
- [tune35]   data/safety_tune35.jsonl: a thirty-fifth author's set, 75 % English as fluent
             speakers living in Itabashi write it (long messages with the crisis in one sentence,
             idioms as near misses); measured once (0.955 / 0.025), then tuned on: no longer a
             measure (data/README.md, thirty-third round).
- [tune36]   data/safety_tune36.jsonl: a thirty-sixth author's set, crises as others report them
             (neighbours, passers-by, clerks, teachers, landlords), hesitant or fragmentary, 25 %
             English; measured once (0.929 / 0.054), then tuned on: no longer a measure
             (data/README.md, thirty-fourth round).
- [tune37]   data/safety_tune37.jsonl: a thirty-seventh author's set, long messages with the
             crisis in one sentence of a ward matter (国保, 生活保護, 介護, 死亡届 …) and short ones
             in every register, 20 % English; measured once (0.967 / 0.039), then tuned on
             (thirty-fourth round).
- [tune38]   data/safety_tune38.jsonl: a thirty-eighth author's set, foreign residents' second-
             language English and やさしい日本語 (spaced hiragana, romaji), all four categories;
             measured once (0.939 / 0.022), then tuned on (thirty-fourth round).
- [tune39]   data/safety_tune39.jsonl: a thirty-ninth author's set, emergencies and child abuse as
             older people (polite, voice input) and children (hiragana) write them, 20 % English;
             measured once (0.933 / 0.032), then tuned on (thirty-fifth round).
- [tune40]   data/safety_tune40.jsonl: a fortieth author's set, long posts as on Q&A sites, the
             crisis told late, and long near misses (venting, grief, worry), 30 % English;
             measured once (0.984 / 0.212), then tuned on (thirty-fifth round).
- [tune41]   data/safety_tune41.jsonl: a forty-first author's set, crises inside the ward's chores
             (each category alike), 40 % English; measured once (0.956 / 0.033), then tuned on
             (thirty-fifth round).
- [tune42]   data/safety_tune42.jsonl: a forty-second author's set, suicidal messages inside a
             ward chore that never name death (cancelling everything, returning things, who is
             told "after"), 35 % English; measured once (0.811 / 0.021), then tuned on
             (thirty-sixth round).
- [tune43]   data/safety_tune43.jsonl: a forty-third author's set, first messages of a few words
             in every category and register, 25 % English; measured once (0.850 / 0.022), then
             tuned on (thirty-sixth round).
- [tune44]   data/safety_tune44.jsonl: a forty-fourth author's set, child abuse and medical
             emergencies told by what is seen or heard, without the category's word, 30 %
             English; measured once (0.983 / 0.089), then tuned on (thirty-sixth round).
- [tune45]   data/safety_tune45.jsonl: a forty-fifth author's set, first messages of at most 30
             characters or 10 words in every category, 40 % English; measured once (0.917 /
             0.011), then tuned on (thirty-seventh round).
- [tune46]   data/safety_tune46.jsonl: a forty-sixth author's set, suicidal messages that read as
             practical questions and give themselves away in one clause, 39 % English; measured
             once (0.882 / 0.049), then tuned on (thirty-seventh round).
- [tune47]   data/safety_tune47.jsonl: a forty-seventh author's set, third parties worried about
             someone else (a teenager, a spouse, a neighbour's child, a daughter's partner, a
             passer-by), 30 % English; measured once (0.972 / 0.033), then tuned on
             (thirty-seventh round).
- [tune48]   data/safety_tune48.jsonl: a forty-eighth author's set, teenagers' to forty-year-olds'
             social-media words (病み, 詰んだ, OD, "unalive") for crises and the same slang used in
             fun, 20 % English; measured once (0.961 / 0.033), then tuned on (thirty-eighth round).
- [tune49]   data/safety_tune49.jsonl: a forty-ninth author's set, all English as Japanese and other
             second-language writers translate in their heads; measured once (0.946 / 0.027),
             then tuned on (thirty-eighth round).
- [tune50]   data/safety_tune50.jsonl: a fiftieth author's set, crises typed with a place in or near
             Itabashi first (stations, shopping streets, 団地, rivers), 20 % English; measured once
             (0.917 / 0.017), then tuned on (thirty-eighth round).
- [tune51]   data/safety_tune51.jsonl: a fifty-first author's set, a general one the size of the
             held-out set (227 crises, 222 near misses; every category, wording and register), 31 %
             English; measured once (0.991 / 0.023), then tuned on (thirty-ninth round).
- [tune52]   data/safety_tune52.jsonl: a fifty-second author's set, every crisis indirect (never the
             category's word), 35 % English; measured once (0.985 / 0.010), then tuned on
             (thirty-ninth round).
- [tune53]   data/safety_tune53.jsonl: a fifty-third author's set, children and teenagers about
             themselves, parents at the limit and grandparents, and the same writers' ordinary
             days, 16 % English; measured once (0.907 / 0.137), then tuned on (thirty-ninth
             round).
- [tune54]   data/safety_tune54.jsonl: a fifty-fourth author's set, a second general one the
             held-out set's size (229 crises, 218 near misses), 32 % English; measured once (0.961
             / 0.000), then tuned on (fortieth round).
- [tune55]   data/safety_tune55.jsonl: a fifty-fifth author's set, children and teenagers about
             themselves and adults who see a child in trouble, 15 % English; measured once (0.942
             / 0.071), then tuned on (fortieth round).
- [tune56]   data/safety_tune56.jsonl: a fifty-sixth author's set, DV and elder abuse in every
             form and voice, 35 % English; measured once (0.962 / 0.060), then tuned on (fortieth
             round).
- [tune57]   data/safety_tune57.jsonl: a fifty-seventh author's set, suicidal messages and
             emergencies at home from people in their thirties to nineties under long strain, 30 %
             English; measured once (0.989 / 0.033), then tuned on (forty-first round).
- [tune58]   data/safety_tune58.jsonl: a fifty-eighth author's set, crises written as replies and
             follow-ups inside a chat with this bot, half English; measured once (0.933 / 0.028),
             then tuned on (forty-first round).
- [tune59]   data/safety_tune59.jsonl: a fifty-ninth author's set, child abuse and DV as health
             nurses, teachers, 民生委員, carers, delivery drivers and volunteers report them, 40 %
             English; measured once (0.917 / 0.044), then tuned on (forty-first round).
- [tune60]   data/safety_tune60.jsonl: a sixtieth author's set, a third general one the held-out
             set's size (225 crises, 219 near misses), 31 % English; measured once (0.973 / 0.000),
             then tuned on (forty-second round).
- [tune61]   data/safety_tune61.jsonl: a sixty-first author's set, a general one all in English as
             the ward's many English speakers write it; measured once (0.905 / 0.015), then tuned
             on (forty-second round).
- [tune62]   data/safety_tune62.jsonl: a sixty-second author's set, a general one all in Japanese
             in every register, weighted to suicide and emergencies; measured once (0.986 /
             0.014), then tuned on (forty-second round).
- [tune63]   data/safety_tune63.jsonl: a sixty-third author's set, a second general one all in
             English; measured once (0.950 / 0.023), then tuned on (forty-third round).
- [tune64]   data/safety_tune64.jsonl: a sixty-fourth author's set, English first messages of 1–15
             words typed on a phone; measured once (0.957 / 0.067), then tuned on (forty-third
             round).
- [tune65]   data/safety_tune65.jsonl: a sixty-fifth author's set, a fourth general one the
             held-out set's size (224 crises, 221 near misses), 31 % English; measured once (0.978
             / 0.018), then tuned on (forty-third round).
- [tune66]   data/safety_tune66.jsonl: a sixty-sixth author's set, a third general one all in
             English; measured once (0.945 / 0.019), then tuned on (forty-fourth round).
- [tune67]   data/safety_tune67.jsonl: a sixty-seventh author's set, a fifth general one the
             held-out set's size (224 crises, 214 near misses), 32 % English; measured once (0.978
             / 0.028), then tuned on (forty-fourth round).
- [tune68]   data/safety_tune68.jsonl: a sixty-eighth author's set, a second general one all in
             Japanese; measured once (0.985 / 0.036), then tuned on (forty-fourth round).
- [tune69]   data/safety_tune69.jsonl: a sixty-ninth author's set, a sixth general one the
             held-out set's size (225 crises, 214 near misses), 32 % English; measured once (0.987
             / 0.014), then tuned on (forty-fifth round).
- [tune70]   data/safety_tune70.jsonl: a seventieth author's set, emergencies and child abuse of
             every kind in every verb form (past, progressive, hearsay, passive, dialect), 15 %
             English; measured once (0.938 / 0.029), then tuned on (forty-fifth round).
- [tune71]   data/safety_tune71.jsonl: a seventy-first author's set, suicide and self-harm, two
             thirds indirect, 40 % English; measured once (0.922 / 0.014), then tuned on
             (forty-fifth round).
- [tune72]   data/safety_tune72.jsonl: a seventy-second author's set, a seventh general one the
             held-out set's size (224 crises, 215 near misses), 32 % English; measured once (0.982
             / 0.028), then tuned on (forty-sixth round).
- [tune73]   data/safety_tune73.jsonl: a seventy-third author's set, child abuse told without the
             word by children, parents, neighbours and professionals, in every verb form, 15 %
             English; measured once (0.911 / 0.065), then tuned on (forty-sixth round).
- [tune74]   data/safety_tune74.jsonl: a seventy-fourth author's set, suicide and self-harm, two
             thirds indirect, in every form and register, 14 % English; measured once (0.940 /
             0.020), then tuned on (forty-sixth round).
- [tune75]   data/safety_tune75.jsonl: a seventy-fifth author's set, an eighth general one the
             held-out set's size (224 crises, 215 near misses), 32 % English; measured once (0.960
             / 0.014), then tuned on (forty-seventh round).
- [tune76]   data/safety_tune76.jsonl: a seventy-sixth author's set, all Japanese as older
             residents and foreign residents write it (plain, kana-only, broken, voice input);
             measured once (0.930 / 0.024), then tuned on (forty-seventh round).
- [tune77]   data/safety_tune77.jsonl: a seventy-seventh author's set, all English as residents
             of Itabashi write it, native and second-language; measured once (0.936 / 0.055),
             then tuned on (forty-seventh round).
- [tune78]   data/safety_tune78.jsonl: a seventy-eighth author's set, a ninth general one the
             held-out set's size (225 crises, 215 near misses), 32 % English; measured once (0.987
             / 0.000), then tuned on (forty-eighth round).
- [tune79]   data/safety_tune79.jsonl: a seventy-ninth author's set, all Japanese in kana, mostly
             spaced between words (children, older people, little kanji, voice input); measured
             once (0.801 / 0.060), then tuned on (forty-eighth round).
- [tune80]   data/safety_tune80.jsonl: an eightieth author's set, every crisis inside a ward
             question or chore, 40 % English; measured once (0.935 / 0.010), then tuned on
             (forty-eighth round).
- [tune81]   data/safety_tune81.jsonl: an eighty-first author's set, a tenth general one the
             held-out set's size (226 crises, 220 near misses), 31 % English; measured once (0.973
             / 0.009), then tuned on (forty-ninth round).
- [tune82]   data/safety_tune82.jsonl: an eighty-second author's set, a second all-kana Japanese
             one (written again to test the forty-eighth round's kana words); measured once (0.797
             / 0.059), 0.832 / 0.069 with the kana readings, then tuned on (forty-ninth round).
- [tune83]   data/safety_tune83.jsonl: an eighty-third author's set, every crisis told by someone
             else, in hearsay, 20 % English; measured once (0.970 / 0.005), then tuned on
             (forty-ninth round).
- [tune84], [tune85], [tune86] data/safety_tune84.jsonl … tune86.jsonl: three more authors'
             general sets the held-out set's size (225 crises, 216 near misses, a third English):
             every register; residents new to phones or to Japanese; one-liners and long posts.
             Measured once (0.996 / 0.028, 0.996 / 0.028, 0.996 / 0.032), then tuned on
             (fiftieth round).
- [tune87], [tune88] data/safety_tune87.jsonl, tune88.jsonl: two more authors' sets of suicidal
             messages that never name death (200 each) and near misses in their words (200), a
             third English; the second weighted to middle and later life. Measured once (0.975 /
             0.195, 0.985 / 0.255), then tuned on (fifty-first round).
- [tune89]   data/safety_tune89.jsonl: a third all-kana Japanese set (400, every category); measured
             once (0.925 / 0.130), then tuned on (fifty-first round).
- [tune90]   data/safety_tune90.jsonl: a fourteenth general set the held-out set's size, as
             residents in their thirties to sixties write, most crises inside a ward question;
             measured once (0.982 / 0.032), then tuned on (fifty-second round).
- [tune91], [tune92] data/safety_tune91.jsonl (children: abuse as it is noticed and told, and
             parenting near misses) and data/safety_tune92.jsonl (emergencies typed in a hurry);
             measured once (0.980 / 0.167, 0.927 / 0.107), then tuned on (fifty-second round).
- [tune93], [tune94], [tune95] data/safety_tune93.jsonl (a fifteenth general set, young people's
             phone wording), tune94.jsonl (suicide never named, all Japanese) and tune95.jsonl (DV);
             measured once (0.973 / 0.046, 0.995 / 0.310, 0.987 / 0.193), then tuned on
             (fifty-third round).
- [tune96], [tune97], [tune98] data/safety_tune96.jsonl (a sixteenth general set, first messages),
             tune97.jsonl (a general set all in English) and tune98.jsonl (older residents'
             Japanese); measured once (0.996 / 0.019, 0.969 / 0.033, 0.967 / 0.127), then tuned on
             (fifty-fourth round).
- [tune99], [tune100], [tune101] data/safety_tune99.jsonl (a seventeenth general set, every
             register), tune100.jsonl (an eighteenth, typed in a hurry) and tune101.jsonl (a
             nineteenth, told by neighbours, children and passers-by); measured once (0.996 /
             0.014, 0.991 / 0.019, 1.000 / 0.037), then tuned on (fifty-fifth round).
- [tune102], [tune103], [tune104] data/safety_tune102.jsonl (a twentieth general set, all
             Japanese), tune103.jsonl (suicide never named, half English, near misses in its
             words) and tune104.jsonl (child abuse and emergencies); measured once (0.996 / 0.033,
             0.967 / 0.314, 0.962 / 0.065), then tuned on (fifty-sixth round).
- [tune105], [tune106], [tune107] data/safety_tune105.jsonl (a twenty-first general set, a
             cross-section of residents), tune106.jsonl (a twenty-second, foreign residents'
             English) and tune107.jsonl (a twenty-third, first messages); measured once (0.991 /
             0.032, 0.987 / 0.042, 0.969 / 0.028), then tuned on (fifty-seventh round).

- [other tune], [other tune2], [other tune3], [other tune5], [other tune6], [other tune7]
             data/other_languages_safety_tune*.jsonl: crises and near misses in Chinese, Korean,
             Vietnamese, Nepali, Tagalog, Portuguese and Spanish, each by its own author (no
             pattern read); content/safety_other_languages.yaml was tuned on all six, each
             measured once before (data/README.md). tune5, tune6 and tune7 are the fifth, sixth
             and seventh authors', written after the held-out set.
- [other held-out] data/other_languages_safety_heldout.jsonl: a fourth author's, written the same
             way; never used to tune, its mistakes never read.

`--sets dev tune6 ...` scores only those sets (and times the check on them): leave the held-out sets
out while working on the check, so their figures are read once, at the end.

For each set: recall (a crisis message gets help lines first, whatever category), the share of
those given the right category's lines, the false-positive rate (a near miss gets help lines,
whether instead of its answer or, where the model was less sure, before it), each by language;
then how many of each were given the lines beside the answer rather than instead of it. A
naive keyword list (the first words anyone would write down) is scored beside it as the peer.
Then checks per second on one core. Figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.conversation.safety import CATEGORIES, SafetyCheck, fold, load_safety  # noqa: E402

# Each set's file is named after it: "tune12" is data/safety_tune12.jsonl, "held-out indirect"
# data/safety_heldout_indirect.jsonl, "other tune3" data/other_languages_safety_tune3.jsonl
# (the languages the bot does not answer in, content/safety_other_languages.yaml). In the order
# the report prints them.
TUNE_SETS = ("tune", *(f"tune{n}" for n in range(2, 108)))
OTHER_TUNE_SETS = ("other tune", *(f"other tune{n}" for n in (2, 3, 5, 6, 7)))


def _file_of(name: str) -> Path:
    """The data file of a set named as above."""
    other = name.startswith("other ")
    stem = name.removeprefix("other ").replace("held-out", "heldout").replace(" ", "_")
    return ROOT / "data" / f"{'other_languages_' if other else ''}safety_{stem}.jsonl"


SETS = {
    name: _file_of(name)
    for name in (
        "dev",
        *TUNE_SETS,
        "held-out indirect",
        "held-out",
        *OTHER_TUNE_SETS,
        "other held-out",
    )
}

# The peer: what a first keyword table would hold, one line a category.
NAIVE = {
    "emergency": r"火事|救急車|倒れ|強盗|fire|ambulance|collapsed",
    "suicide": r"死にたい|自殺|suicide|kill myself|want to die",
    "child_abuse": r"虐待|child abuse",
    "violence": r"dv|暴力|殴られ|violence|hits me",
}


def naive_check(text: str) -> str | None:
    """The peer's category for a message, or None."""
    folded = fold(text)
    for category in CATEGORIES:
        if re.search(NAIVE[category], folded):
            return category
    return None


def load(path: Path) -> list[dict]:
    """One labelled set: {"text", "category", "lang"} per line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score(rows: list[dict], check) -> dict:
    """Recall, right-category share and false-positive rate, overall and by language. Each
    message is checked once; the figures are counted from those answers."""
    answers = [(r, check(r["text"])) for r in rows]
    out: dict = {}
    written = {r["lang"] for r in rows}
    ordered = [lang for lang in ("ja", "en") if lang in written] + sorted(written - {"ja", "en"})
    for lang in (None, *ordered):
        part = [(r, c) for r, c in answers if lang is None or r["lang"] == lang]
        crises = [(r, c) for r, c in part if r["category"] != "none"]
        near = [(r, c) for r, c in part if r["category"] == "none"]
        caught = [(r, c) for r, c in crises if c is not None]
        alarms = sum(c is not None for _, c in near)
        out[lang or "all"] = {
            "crises": len(crises),
            "recall": len(caught) / len(crises) if crises else 0.0,
            "category": sum(r["category"] == c for r, c in caught) / len(caught) if caught else 0.0,
            "near": len(near),
            "fp": alarms / len(near) if near else 0.0,
        }
    totals = Counter(r["category"] for r, _ in answers if r["category"] != "none")
    per_category = Counter(r["category"] for r, c in answers if r["category"] != "none" and c)
    out["by_category"] = {c: (per_category[c], totals[c]) for c in CATEGORIES}
    return out


def show(name: str, label: str, figures: dict) -> None:
    """One line per language, then recall by category."""
    for lang, f in figures.items():
        if lang == "by_category":
            continue
        print(
            f"  {label:<14} [{name}] {lang:<3} recall {f['recall']:.3f} of {f['crises']:>3}"
            f"   right lines {f['category']:.3f}   false alarms {f['fp']:.3f} of {f['near']:>3}"
        )
    parts = ", ".join(f"{c} {k}/{n}" for c, (k, n) in figures["by_category"].items())
    print(f"  {label:<14} [{name}] caught by category: {parts}")


def main() -> int:
    """Print every figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", choices=sorted(SETS), help="print this set's mistakes")
    parser.add_argument("--patterns", action="store_true", help="the patterns' mistakes alone")
    parser.add_argument(
        "--sets",
        nargs="+",
        choices=sorted(SETS),
        default=list(SETS),
        help="score only these sets (and time the check on them): leave the held-out sets out "
        "while working on the check, so their figures are read once, at the end",
    )
    args = parser.parse_args()
    chosen = {name: path for name, path in SETS.items() if name in args.sets}
    started = time.perf_counter()
    safety = load_safety()
    load_ms = (time.perf_counter() - started) * 1000

    patterns_only = SafetyCheck(
        safety._content, safety._lines_file, model=None, others=safety.other_languages
    )

    def ours(text: str) -> str | None:
        crisis = safety.check(text)
        return crisis.category if crisis else None

    def patterns(text: str) -> str | None:
        crisis = patterns_only.check(text)
        return crisis.category if crisis else None

    print("safety check (goal: recall >= 0.98, false alarms <= 0.02)")
    for name, path in chosen.items():
        if not path.exists():
            print(f"  [{name}] {path.name} missing")
            continue
        rows = load(path)
        show(name, "safety check", score(rows, ours))
        beside = [r for r in rows if (c := safety.check(r["text"])) and c.beside_answer]
        crises = sum(r["category"] != "none" for r in beside)
        print(
            f"  {'':<14} [{name}] of those, lines beside the answer: {crises} crisis messages, "
            f"{len(beside) - crises} near misses"
        )
        show(name, "patterns only", score(rows, patterns))
        show(name, "keyword peer", score(rows, naive_check))
        if args.errors == name:
            for r in rows:
                got = patterns(r["text"]) if args.patterns else ours(r["text"])
                if (got is None) != (r["category"] == "none"):
                    print(f"    expected {r['category']:<11} got {got or 'none':<11} {r['text']}")
    texts = [r["text"] for path in chosen.values() if path.exists() for r in load(path)]
    rounds = max(1, 20000 // max(len(texts), 1))
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            safety.check(text)
    elapsed = time.perf_counter() - started
    print(
        f"  speed: {rounds * len(texts) / elapsed:,.0f} checks/s on one core; load {load_ms:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Words never taken for names unless a project lists them: the shipped allow-list.

NER in a small pipeline tags technical words, products, well-known organisations and
everyday words as people or places ("React" a place, "Java" a person, "metadata" a
person). These identify nobody. A project adds its own words with
``toc-studio names keep``; a word the project lists as a name is replaced all the same.
"""

from __future__ import annotations

# Technology, products and services, methods.
_TECHNICAL = """
jquery react reactjs angular angularjs vue vuejs svelte node nodejs node.js
deno java javascript typescript python ruby rails php perl rust go golang
kotlin swift scala haskell elixir erlang clojure c# c++ dotnet .net html css sass sql
mysql postgresql postgres sqlite mongodb redis kafka docker kubernetes linux unix ubuntu
debian windows macos ios android chrome firefox safari edge webpack babel npm yarn git
github gitlab bitbucket jira confluence trello asana notion slack zoom teams microsoft
teams skype whatsapp signal telegram facebook instagram twitter x tiktok youtube linkedin
reddit discord google google docs google meet gmail outlook excel word powerpoint
onedrive sharepoint dropbox aws azure gcp heroku netlify vercel stackoverflow wordpress
drupal figma photoshop
canva ai chatgpt openai copilot
bluetooth wifi wi-fi usb pdf api apis json xml yaml csv moscow agile scrum kanban
lean waterfall devops ci cd tdd oop mvp saas ux ui qa seo crm erp iot metadata nvivo
atlas.ti maxqda dedoose qualcoder taguette spss stata excel sheets airtable
"""
# Public services, benefits, charities and bodies too large to identify anyone.
_PUBLIC = """
nhs gp gps a&e ae jobcentre dwp pip esa jsa hmrc
council samaritans rethink oxfam police ofsted cqc dbs covid covid-19 coronavirus
brexit uk england scotland wales britain europe eu us usa internet web
"""
# Everyday words NER tags in transcripts: days, months, greetings, fillers, roles.
_EVERYDAY = """
monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december christmas easter
ramadan eid diwali okay ok yeah yes no hi hello bye thanks cheers um erm uh ah oh ha
haha hmm mm mhm wow god lord jesus mum dad mummy daddy nan gran grandma grandad auntie
uncle sir madam mentor mentors mentee mentees interviewer interviewee respondent
participant facilitator coordinator researcher staff volunteer
carer client tutor teacher doctor nurse manager boss wellbeing english british asian
host guest audience caller presenter chair speaker unknown everyone everybody somebody
fyi btw asap tbc tbd aob rsvp etc faq url
african caribbean muslim
christian
"""
# Words that are both everyday words and given names: only replaced when the project
# lists them, a speaker label shows them, or NER tags them on their own; never taken as
# the first name or surname of a found full name.
WORD_NAMES = frozenset(
    """will may june april august grace hope faith joy bill mark rose violet dawn summer
    rich frank guy jack pat sue ray art bob carol chase holly ivy lily olive pearl ruby
    amber crystal sky river jay dean drew gene harvey page miles sterling brown green
    white black young little long short hall wood stone hill field lane street bell""".split()
)
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord"})
PHRASES = (
    "react native", "ruby on rails", "google docs", "google meet", "stack overflow",
    "microsoft teams", "jobcentre plus", "universal credit", "housing benefit",
    "citizens advice", "red cross", "salvation army", "the council", "the police",
    "great britain", "united kingdom", "united states", "lived experience", "theory of change",
    "outcomes star", "recovery star", "peer researcher", "the nhs", "the jobcentre",
    "unknown speaker", "audience member", "note taker", "co-host", "young person",
)  # fmt: skip
ALLOWED = frozenset(PHRASES) | frozenset(
    word for block in (_TECHNICAL, _PUBLIC, _EVERYDAY) for word in block.split()
)


GREETINGS = frozenset(
    "thanks thank hi hello hey dear yeah yes no okay ok oh well so and but um erm uh ah "
    "cheers bye sorry please".split()
)


def filler(word: str) -> bool:
    """A word NER sometimes sweeps into a name ("Thanks Priya", "Oh Declan")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    folded = word.casefold().strip(",.!?")
    return folded in GREETINGS or folded in STOP_WORDS


def allowed(form: str, keep: frozenset[str] = frozenset()) -> bool:
    """Whether ``form`` (any case) is common vocabulary (spaCy's English stop words, as
    "Everything" at the start of a sentence), a well-known name or kept."""
    from spacy.lang.en.stop_words import STOP_WORDS

    folded = " ".join(form.casefold().split())
    return folded in ALLOWED or folded in keep or folded in STOP_WORDS

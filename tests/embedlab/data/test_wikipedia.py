import pytest

from embedlab.data import load_wikipedia, tokenize, wikipedia_sentences

pytestmark = pytest.mark.slow  # parses the whole bundled slice: about 5 s


@pytest.fixture(scope="module")
def articles():
    return load_wikipedia()


def test_slice_holds_the_real_articles_without_markup(articles):
    assert len(articles) == 106  # 206 pages in the dump, the rest are redirects and stubs
    first = articles[0]
    assert first.title == "Anarchism"
    assert first.text.startswith("Anarchism is a political philosophy")
    for article in articles:
        assert "'''" not in article.text and "[[" not in article.text and "{{" not in article.text


def test_sentences_are_lowercase_tokens(articles):
    sentences = wikipedia_sentences()
    n_tokens = sum(map(len, sentences))
    assert 400_000 < n_tokens < 500_000
    assert sentences[0][:3] == ["anarchism", "is", "political"]  # "a" is shorter than 2 letters
    assert all(t == t.lower() for s in sentences[:100] for t in s)


def test_tokenize_drops_numbers_and_single_letters():
    assert tokenize("In 1984, a Cat sat.") == ["in", "cat", "sat"]


def test_tokenize_matches_gensims_wikicorpus_on_the_whole_slice(articles):
    from gensim.corpora.wikicorpus import tokenize as gensim_tokenize

    assert all(tokenize(a.text) == gensim_tokenize(a.text, 2, 15, True) for a in articles)


def test_a_parsed_file_is_read_without_gensim(tmp_path):
    """What lab 2's grading kernel does: the articles come from the file the variable names."""
    import json
    import subprocess
    import sys

    parsed = tmp_path / "articles.json"
    parsed.write_text(json.dumps([{"title": "Cats", "pageid": "1", "text": "Cats purr. " * 30}]))
    code = ("import sys\nsys.modules['gensim'] = None  # importing gensim now fails\n"
            "from embedlab.data.wikipedia import load_wikipedia, wikipedia_sentences\n"
            "print(len(load_wikipedia()), wikipedia_sentences(min_tokens=2)[0])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={"EMBEDLAB_WIKIPEDIA_ARTICLES": str(parsed), "PATH": "/usr/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "1 ['cats', 'purr']"

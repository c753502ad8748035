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

/* lorebook search client: what searching in other languages than English
 * adds to search.js. search.js loads this file (minified, as
 * assets/stem/lang.min.js, by scripts/minify-js.sh) only when the index
 * root names languages, before their stemmers; a site that searches in
 * English alone publishes and loads none of it. Mirrors src/search/lang.rs
 * and the marked-word path of src/search/tokenize.rs; tests/js/ checks they
 * agree. It registers lorebookLanguages(core), which search.js calls with
 * the parts of its tokenizer this file builds on. */
(function (g) {
  'use strict';

  g.lorebookLanguages = function (core) {
    // Codes with a Snowball stemmer: English is core.stem, each other one
    // assets/stem/<code>.js (which registers itself in lorebookStemmers).
    // Other codes the index names are unstemmed.
    var STEMMED = new Set(['ar', 'da', 'de', 'el', 'en', 'es', 'fi', 'fr', 'hu', 'it', 'nl', 'no',
      'pt', 'ro', 'ru', 'sv', 'ta', 'tr']);
    // Tamil's marks are vowel signs and viramas, letters rather than accents.
    var KEEPS_MARKS = new Set(['ta']);
    var APOSTROPHES = new Set(["'", '\u2019', '\u02BC']);
    var MARKS = /\p{M}/gu;
    var MARK = /^\p{M}$/u;
    // Before folding, combining marks are word characters too; a word does
    // not start with one.
    var WORD_MARKED = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
    var LEADING_MARKS = /^\p{M}+/u;

    /** Whether the stemmer of `code` is given the folded word (English, and no stemmer). */
    function stemsFolded(code) { return code === 'en' || !STEMMED.has(code); }
    /** Whether a language needs a stemmer file. */
    function needsStemmer(code) { return code !== 'en' && STEMMED.has(code); }

    function stemmers() { return g.lorebookStemmers || {}; }

    /** The stem of a word in one language (mirrors stem in tokenize.rs). */
    function stemIn(word, code) {
      if (code === 'en') return core.stem(word);
      if (!STEMMED.has(code)) return word;
      var s = stemmers()[code];
      if (!s) throw new Error('the ' + code + ' stemmer is not loaded');
      return s(word);
    }

    /** Lowercase, NFKC, lowercase, apostrophes dropped: fold without folding diacritics. */
    function lower(text) {
      var out = '';
      for (var ch of String(text).toLowerCase().normalize('NFKC').toLowerCase()) {
        if (!APOSTROPHES.has(ch)) out += ch;
      }
      return out;
    }

    function stripMarks(word) {
      return word.normalize('NFD').replace(MARKS, '');
    }

    /**
     * Words before diacritics are folded (marks kept, and word characters):
     * [isCjkRun, word] pairs in order, as core.words gives folded ones.
     * Mirrors marked_words.
     */
    function markedWords(text) {
      var out = [];
      for (var run of core.runs(core.joinBracketed(lower(text)))) {
        if (run[0]) { out.push(run); continue; }
        for (var w of run[1].match(WORD_MARKED) || []) {
          w = w.replace(LEADING_MARKS, '');
          if (!w) continue;
          if (!core.SINGLE.test(w)) { out.push([false, w]); continue; }
          var cur = '';
          var single = false;
          for (var c of w) {
            if (single && MARK.test(c)) {
              // Word segmentation keeps a mark with the character before it.
              out[out.length - 1][1] += c;
            } else if (core.SINGLE.test(c)) {
              if (cur) out.push([false, cur]);
              out.push([false, c]);
              cur = '';
              single = true;
            } else {
              cur += c;
              single = false;
            }
          }
          if (cur) out.push([false, cur]);
        }
      }
      return out;
    }

    /**
     * How search.js splits and stems text in the languages `langs` (codes,
     * the main one first): {words(text), terms(written), stop}, where terms
     * gives {word: folded (or kept, for Tamil), term: the main language's,
     * alts: the others' different terms} and stop says whether English
     * stop words are dropped.
     */
    function scheme(langs) {
      var foldedFirst = langs.every(stemsFolded);
      var keepMarks = KEEPS_MARKS.has(langs[0]);
      return {
        words: foldedFirst ? core.words : markedWords,
        stop: langs.indexOf('en') >= 0,
        terms: function (written) {
          var word = foldedFirst || keepMarks ? written : stripMarks(written);
          var term = null;
          var alts = [];
          for (var code of langs) {
            var st = stemsFolded(code) ? stemIn(word, code)
              : KEEPS_MARKS.has(code) ? stemIn(written, code) : stripMarks(stemIn(written, code));
            if (term === null) term = st;
            else if (st !== term && alts.indexOf(st) < 0) alts.push(st);
          }
          return { word: word, term: term, alts: alts };
        }
      };
    }

    var schemes = new Map();

    return {
      STEMMED: STEMMED,
      stemIn: stemIn,
      markedWords: markedWords,
      /** `scheme(langs)`, made once per list of languages. */
      scheme: function (langs) {
        var key = langs.join(' ');
        var hit = schemes.get(key);
        if (!hit) { hit = scheme(langs); schemes.set(key, hit); }
        return hit;
      },
      /**
       * Load the stemmers of `langs` that have not run yet with `load(code)`
       * (the loader given to search.js's Index: it runs
       * assets/stem/<code>.js), once per index.
       */
      ready: function (langs, load) {
        return Promise.all(langs.filter(needsStemmer).map(function (code) {
          return Promise.resolve(stemmers()[code] || (load && load(code))).then(function () {
            if (!stemmers()[code]) throw new Error('cannot load the ' + code + ' stemmer');
          });
        }));
      }
    };
  };
})(typeof globalThis !== 'undefined' ? globalThis : this);

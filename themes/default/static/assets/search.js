/* lorebook search client: no framework, no WASM, no dependencies.
 * The tokenizer and stemmer mirror src/search/tokenize.rs (Snowball English,
 * written here from the published algorithm); tests/js/ checks they agree.
 * Other languages are not in this file: when the index root names languages,
 * it loads assets/stem/lang.min.js (their tokenizing, from stem/lang.js) and
 * then each one's Snowball stemmer, assets/stem/<code>.js.
 * Index files are scripts calling lorebookSearchData(name, packed zlib), so
 * the same files load over http(s) and from file://. The index root is found
 * from this script's own URL (assets/search.js -> ../search/). */
(function (global) {
  'use strict';

  // ---------------------------------------------------------------- tokenizer
  var STOP = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'can', 'do',
    'does', 'for', 'from', 'has', 'have', 'how', 'i', 'if', 'in', 'into', 'is', 'it', 'its',
    'me', 'my', 'of', 'on', 'or', 'that', 'the', 'their', 'then', 'there', 'these', 'they',
    'this', 'to', 'was', 'we', 'were', 'what', 'why', 'will', 'with', 'you', 'your']);
  var MAX_WORD_CHARS = 32;
  var APOSTROPHES = new Set(["'", '\u2019', '\u02BC']);
  var MARKS = /\p{M}/gu;
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  // Characters Unicode word segmentation never joins (ideographs and the
  // South-East Asian scripts without spaces): each is a word of its own.
  var SINGLE = /[\p{Ideographic}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;

  function isCjk(cp) {
    return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3040 && cp <= 0x30FF) ||
      (cp >= 0x3130 && cp <= 0x318F) || (cp >= 0x31F0 && cp <= 0x31FF) ||
      (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0x20000 && cp <= 0x2FFFF);
  }

  function fold(text) {
    var lower = String(text).toLowerCase().normalize('NFKC').toLowerCase();
    var out = '';
    var run = '';
    for (var ch of lower) {
      if (isCjk(ch.codePointAt(0))) {
        if (run) { out += run.normalize('NFD').replace(MARKS, ''); run = ''; }
        out += ch;
      } else if (!APOSTROPHES.has(ch)) {
        run += ch;
      }
    }
    if (run) out += run.normalize('NFD').replace(MARKS, '');
    return out;
  }

  // Brackets around one to three letters or digits touched by a letter or
  // digit are markup inside a word (E[x]tract): dropped. Mirrors
  // join_bracketed in tokenize.rs.
  var BRACKETED = /(?<=[\p{Alphabetic}\p{N}])\[([\p{Alphabetic}\p{N}]{1,3})\]|\[([\p{Alphabetic}\p{N}]{1,3})\](?=[\p{Alphabetic}\p{N}])/gu;
  function joinBracketed(text) {
    if (text.indexOf('[') < 0) return text;
    return text.replace(BRACKETED, function (m, a, b) { return a || b; });
  }

  /** CJK runs ([true, run]) and the runs between them ([false, run]), in order. */
  function runs(text) {
    var out = [];
    var run = '';
    var cjk = null;
    for (var ch of text) {
      var k = isCjk(ch.codePointAt(0));
      if (cjk !== null && k !== cjk) { out.push([cjk, run]); run = ''; }
      cjk = k;
      run += ch;
    }
    if (run) out.push([cjk, run]);
    return out;
  }

  /** Folded words: [isCjkRun, word] pairs in order. */
  function words(text) {
    var out = [];
    for (var r of runs(joinBracketed(fold(text)))) {
      if (r[0]) { out.push(r); continue; }
      for (var w of r[1].match(WORD) || []) {
        if (!SINGLE.test(w)) { out.push([false, w]); continue; }
        var cur = '';
        for (var c of w) {
          if (SINGLE.test(c)) {
            if (cur) out.push([false, cur]);
            out.push([false, c]);
            cur = '';
          } else {
            cur += c;
          }
        }
        if (cur) out.push([false, cur]);
      }
    }
    return out;
  }

  function cjkTerms(run) {
    var chars = Array.from(run);
    if (chars.length === 1) return [run];
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  // ---------------------------------------------------------------- languages
  // English alone needs nothing but this file. Other languages (and several
  // at once) are assets/stem/lang.js, which registers lorebookLanguages:
  // given the tokenizer's parts, it makes the same {words, terms, stop}
  // for any list of languages (mirroring src/search/lang.rs).
  var ENGLISH = ['en'];
  var english = {
    words: words,
    stop: true,
    terms: function (word) { return { word: word, term: stem(word), alts: [] }; }
  };
  var langSupport = null;

  function isEnglish(langs) {
    return !langs || !langs.length || (langs.length === 1 && langs[0] === 'en');
  }

  /** The support for other languages, once assets/stem/lang.js has run (else null). */
  function languages() {
    var make = globalThis.lorebookLanguages;
    if (!langSupport && make) {
      langSupport = make({ words: words, runs: runs, joinBracketed: joinBracketed, stem: stem, SINGLE: SINGLE });
    }
    return langSupport;
  }

  /**
   * How text in the languages `langs` (codes, the main one first; default
   * English) is split and stemmed: `words(text)` gives [isCjkRun, word]
   * pairs; `terms(word)` {word: as indexed, term: the main language's stem,
   * alts: the others' different stems}; `stop`: drop English stop words.
   */
  function language(langs) {
    if (isEnglish(langs)) return english;
    var support = languages();
    if (!support) throw new Error('searching in ' + langs.join(', ') + ' needs assets/stem/lang.min.js');
    return support.scheme(langs);
  }

  /**
   * Tokens {term, word, cjk, alts} of a text in the languages `langs`, as
   * the Rust side indexes them: `term` is the main language's, `alts` the
   * others' different terms.
   */
  function tokenize(text, langs) {
    var lang = language(langs);
    var out = [];
    for (var pair of lang.words(text)) {
      var written = pair[1];
      if (pair[0]) {
        for (var t of cjkTerms(written)) out.push({ term: t, word: written, cjk: true, alts: [] });
        continue;
      }
      var wt = lang.terms(written);
      var word = wt.word;
      if (!word || Array.from(word).length > MAX_WORD_CHARS || (lang.stop && STOP.has(word))) continue;
      out.push({ term: wt.term, word: word, cjk: false, alts: wt.alts });
    }
    return out;
  }

  /** Whether a token's term, or one of its alternatives, is in `keys` (a Set). */
  function hits(keys, t) {
    return keys.has(t.term) || t.alts.some(function (a) { return keys.has(a); });
  }

  // ------------------------------------------------- Snowball English stemmer
  // Works on an array of characters; p1/p2 are the R1/R2 start indexes.
  var EXCEPTIONS = {
    skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl',
    gently: 'gentl', ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl',
    sky: 'sky', news: 'news', howe: 'howe', atlas: 'atlas', cosmos: 'cosmos', bias: 'bias',
    andes: 'andes'
  };
  var AFTER_1A = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed',
    'exceed', 'succeed']);
  var STEP2 = [['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'],
    ['iveness', 'ive'], ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'],
    ['entli', 'ent'], ['ation', 'ate'], ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'],
    ['iviti', 'ive'], ['fulli', 'ful'], ['enci', 'ence'], ['anci', 'ance'], ['abli', 'able'],
    ['izer', 'ize'], ['ator', 'ate'], ['alli', 'al'], ['bli', 'ble'], ['ogi', null],
    ['li', null]];
  var STEP3 = [['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'],
    ['iciti', 'ic'], ['ative', null], ['ical', 'ic'], ['ness', ''], ['ful', '']];
  var STEP4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate',
    'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic'];
  var DOUBLES = new Set(['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt']);
  var LI_ENDINGS = new Set(['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't']);

  function isV(c) {
    return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y';
  }
  function ends(s, suf) {
    if (s.length < suf.length) return false;
    for (var i = 0; i < suf.length; i++) {
      if (s[s.length - suf.length + i] !== suf[i]) return false;
    }
    return true;
  }
  function longest(s, list) {
    for (var e of list) {
      var suf = typeof e === 'string' ? e : e[0];
      if (ends(s, suf)) return e;
    }
    return null;
  }
  function replaceEnd(s, n, by) {
    return s.slice(0, s.length - n).concat(Array.from(by));
  }
  function hasVowel(s, from, to) {
    for (var i = from; i < to; i++) if (isV(s[i])) return true;
    return false;
  }
  // A short syllable ends s: non-vowel (not w, x, Y), vowel, non-vowel; or
  // vowel, non-vowel as the whole word.
  function shortV(s) {
    var n = s.length;
    if (n >= 3 && !isV(s[n - 1]) && s[n - 1] !== 'w' && s[n - 1] !== 'x' && s[n - 1] !== 'Y' &&
      isV(s[n - 2]) && !isV(s[n - 3])) return true;
    return n === 2 && isV(s[0]) && !isV(s[1]);
  }
  function regionAfter(s, from) {
    var i = from;
    while (i < s.length && !isV(s[i])) i++;
    while (i < s.length && isV(s[i])) i++;
    return i < s.length ? i + 1 : s.length;
  }

  function stem(word) {
    if (Object.prototype.hasOwnProperty.call(EXCEPTIONS, word)) return EXCEPTIONS[word];
    var s = Array.from(word);
    if (s.length < 3) return word;
    var yFound = false;
    if (s[0] === 'y') { s[0] = 'Y'; yFound = true; }
    for (var i = 1; i < s.length; i++) {
      if (s[i] === 'y' && isV(s[i - 1])) { s[i] = 'Y'; yFound = true; }
    }
    var joined = s.join('');
    var p1;
    if (joined.startsWith('gener') || joined.startsWith('arsen')) p1 = 5;
    else if (joined.startsWith('commun')) p1 = 6;
    else p1 = regionAfter(s, 0);
    var p2 = regionAfter(s, p1);

    // Step 1a
    if (ends(s, 'sses')) {
      s = replaceEnd(s, 4, 'ss');
    } else if (ends(s, 'ied') || ends(s, 'ies')) {
      s = replaceEnd(s, 3, s.length - 3 >= 2 ? 'i' : 'ie');
    } else if (ends(s, 'ss') || ends(s, 'us')) {
      // unchanged
    } else if (ends(s, 's') && hasVowel(s, 0, s.length - 2)) {
      s = s.slice(0, -1);
    }
    if (!AFTER_1A.has(s.join(''))) {
      // Step 1b
      var b = longest(s, ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed']);
      if (b === 'eed' || b === 'eedly') {
        if (s.length - b.length >= p1) s = replaceEnd(s, b.length, 'ee');
      } else if (b && hasVowel(s, 0, s.length - b.length)) {
        s = s.slice(0, s.length - b.length);
        if (ends(s, 'at') || ends(s, 'bl') || ends(s, 'iz')) {
          s = s.concat(['e']);
        } else if (s.length >= 2 && DOUBLES.has(s[s.length - 2] + s[s.length - 1])) {
          s = s.slice(0, -1);
        } else if (p1 === s.length && shortV(s)) {
          s = s.concat(['e']);
        }
      }
      // Step 1c
      var n = s.length;
      if (n >= 3 && (s[n - 1] === 'y' || s[n - 1] === 'Y') && !isV(s[n - 2])) s[n - 1] = 'i';
      // Step 2
      var e2 = longest(s, STEP2);
      if (e2 && s.length - e2[0].length >= p1) {
        var before = s[s.length - e2[0].length - 1];
        if (e2[0] === 'ogi') {
          if (before === 'l') s = replaceEnd(s, 3, 'og');
        } else if (e2[0] === 'li') {
          if (LI_ENDINGS.has(before)) s = s.slice(0, -2);
        } else {
          s = replaceEnd(s, e2[0].length, e2[1]);
        }
      }
      // Step 3
      var e3 = longest(s, STEP3);
      if (e3 && s.length - e3[0].length >= p1) {
        if (e3[0] === 'ative') {
          if (s.length - 5 >= p2) s = s.slice(0, -5);
        } else {
          s = replaceEnd(s, e3[0].length, e3[1]);
        }
      }
      // Step 4
      var e4 = longest(s, STEP4);
      if (e4 && s.length - e4.length >= p2) {
        if (e4 === 'ion') {
          var pre = s[s.length - 4];
          if (pre === 's' || pre === 't') s = s.slice(0, -3);
        } else {
          s = s.slice(0, s.length - e4.length);
        }
      }
      // Step 5
      var last = s.length - 1;
      if (s[last] === 'e') {
        if (last >= p2 || (last >= p1 && !shortV(s.slice(0, last)))) s = s.slice(0, last);
      } else if (s[last] === 'l') {
        if (last >= p2 && s[last - 1] === 'l') s = s.slice(0, last);
      }
    }
    var out = s.join('');
    return yFound ? out.replace(/Y/g, 'y') : out;
  }

  // ---------------------------------------------------------------- the index
  /** Compare strings by code point (the Rust side sorts UTF-8 bytes). */
  function cmp(a, b) {
    if (a === b) return 0;
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i);
      var y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xFFFF ? 2 : 1;
      j += y > 0xFFFF ? 2 : 1;
    }
    return (a.length - i) - (b.length - j) < 0 ? -1 : ((a.length - i) === (b.length - j) ? 0 : 1);
  }

  // Index payloads are packed 13 bits to two characters of a 91-character
  // alphabet (src/search/text91.rs): printable ASCII but " ' < and \.
  var DIGIT91 = new Int8Array(128);
  for (var c91 = 32, d91 = 0; c91 < 127; c91++) {
    if (c91 !== 34 && c91 !== 39 && c91 !== 60 && c91 !== 92) DIGIT91[c91] = d91++;
  }
  function unpack91(text) {
    var len = text.length;
    var out = new Uint8Array(((len >> 1) * 13 + (len & 1) * 7) >> 3);
    var acc = 0, bits = 0, o = 0;
    for (var i = 0; i < len; i += 2) {
      if (i + 1 < len) {
        acc |= (DIGIT91[text.charCodeAt(i)] + 91 * DIGIT91[text.charCodeAt(i + 1)]) << bits;
        bits += 13;
      } else {
        acc |= DIGIT91[text.charCodeAt(i)] << bits;
        bits += 7;
      }
      while (bits >= 8) {
        out[o++] = acc & 255;
        acc >>>= 8;
        bits -= 8;
      }
    }
    return out;
  }

  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(stream).arrayBuffer().then(function (buf) { return new Uint8Array(buf); });
  }

  var UTF8 = new TextDecoder();

  /** A reader of LEB128 integers and posting lists over bytes. */
  function Reader(bytes) { this.bytes = bytes; this.pos = 0; }
  Reader.prototype.varint = function () {
    var v = 0;
    var mul = 1;
    for (;;) {
      var b = this.bytes[this.pos++];
      if (b === undefined) throw new Error('truncated search index file');
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  /** One posting list: {pages, slots, weights}, sorted by (page, slot). */
  Reader.prototype.list = function () {
    var n = this.varint();
    var pages = new Uint32Array(n);
    var slots = new Uint32Array(n);
    var page = 0;
    for (var k = 0; k < n; k++) { page += this.varint(); pages[k] = page; }
    for (var k2 = 0; k2 < n; k2++) slots[k2] = this.varint();
    var weights = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return { pages: pages, slots: slots, weights: weights };
  };

  /** A term shard: sorted terms and, per term, {total, first, more: [{max, count, name}]}. */
  function parseShard(bytes) {
    var r = new Reader(bytes);
    var count = r.varint();
    var terms = [];
    var entries = [];
    var prev = new Uint8Array(0);
    for (var t = 0; t < count; t++) {
      var shared = r.varint();
      var len = r.varint();
      var key = new Uint8Array(shared + len);
      key.set(prev.subarray(0, shared), 0);
      key.set(bytes.subarray(r.pos, r.pos + len), shared);
      r.pos += len;
      prev = key;
      var total = r.varint();
      var pieces = r.varint();
      var first = r.list();
      var more = [];
      for (var p = 1; p < pieces; p++) {
        var max = bytes[r.pos++];
        var n = r.varint();
        var nameLen = r.varint();
        var name = UTF8.decode(bytes.subarray(r.pos, r.pos + nameLen));
        r.pos += nameLen;
        more.push({ max: max, count: n, name: name });
      }
      terms.push(UTF8.decode(key));
      entries.push({ total: total, first: first, more: more });
    }
    return { terms: terms, entries: entries };
  }

  /** Lowest index i with cmp(arr[i], key) >= 0. */
  function lowerBound(arr, key) {
    var lo = 0;
    var hi = arr.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (cmp(arr[mid], key) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function editDistanceAtMostOne(a, b) {
    a = Array.from(a);
    b = Array.from(b);
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      if (i === a.length) return true;
      var rest = a.slice(i + 1).join('') === b.slice(i + 1).join('');
      var swap = a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2).join('') === b.slice(i + 2).join('');
      return rest || swap;
    }
    var longer = a.length > b.length ? a : b;
    var shorter = a.length > b.length ? b : a;
    return longer.slice(i + 1).join('') === shorter.slice(i).join('');
  }

  var PREFIX_FACTOR = 0.8;
  var TYPO_FACTOR = 0.6;
  var MAX_EXPANSIONS = 40;
  /** Prefix expansions whose further pieces may be loaded. */
  var TAIL_EXPANSIONS = 3;
  var TYPO_MIN_CHARS = 5;
  /** Words at least this long are also matched as prefixes. */
  var PREFIX_MIN_CHARS = 4;
  /** Postings a query may load beyond the first pieces. */
  var TAIL_BUDGET = 60000;
  /** A term in more than this share of all slots is not required to stop loading. */
  var COMMON_SHARE = 0.05;
  /** Sections shown under a page result. */
  var SUBRESULTS = 3;
  var EXCERPT_CHARS = 160;

  /**
   * A searchable index. `fetchPayload(name)` resolves to the packed payload of
   * the index file `name` (the second argument of lorebookSearchData);
   * `loadScript(name)`, needed only by an index in other languages than
   * English, runs assets/stem/<name>.js (resolving once it has).
   */
  function Index(fetchPayload, loadScript) {
    this.fetchPayload = fetchPayload;
    this.loadScript = loadScript;
    this.cache = new Map();
  }

  Index.prototype.bytes = function (name) {
    var hit = this.cache.get(name);
    if (!hit) {
      hit = Promise.resolve(this.fetchPayload(name)).then(function (packed) {
        return inflate(unpack91(packed));
      });
      this.cache.set(name, hit);
      var cache = this.cache;
      hit.catch(function () { cache.delete(name); });
    }
    return hit;
  };
  Index.prototype.json = function (name) {
    return this.bytes(name).then(function (b) { return JSON.parse(UTF8.decode(b)); });
  };
  Index.prototype.root = function () { return this.json('index.js'); };
  /**
   * The languages the index was built in (codes, main one first; the root
   * names them unless it is English alone), once the code they need has
   * run: none for English; else assets/stem/lang.min.js, then the stemmers.
   */
  Index.prototype.langs = function () {
    var self = this;
    if (!this.ready) {
      this.ready = this.root().then(function (root) {
        var langs = root.langs;
        if (isEnglish(langs)) return ENGLISH;
        var load = self.loadScript;
        return Promise.resolve(languages() || (load && load('lang.min'))).then(function () {
          if (!languages()) throw new Error('cannot load assets/stem/lang.min.js');
          return languages().ready(langs, load);
        }).then(function () { return langs; });
      });
      this.ready.catch(function () { self.ready = null; });
    }
    return this.ready;
  };
  Index.prototype.parsed = function (name, parse) {
    var key = 'parsed:' + name;
    var hit = this.cache.get(key);
    if (!hit) {
      hit = this.bytes(name).then(parse);
      this.cache.set(key, hit);
    }
    return hit;
  };
  Index.prototype.shard = function (name) { return this.parsed(name, parseShard); };
  Index.prototype.piece = function (name) {
    return this.parsed(name, function (b) { return new Reader(b).list(); });
  };

  /** Walk a directory tree to the file whose range holds `key`. */
  Index.prototype.locate = function (tree, key, less) {
    var self = this;
    function pick(entries) {
      var lo = 0;
      var hi = entries.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (less(key, entries[mid][0])) hi = mid; else lo = mid + 1;
      }
      return lo === 0 ? 0 : lo - 1;
    }
    function walk(node) {
      var i = pick(node.entries);
      var entry = node.entries[i];
      if (!entry) return Promise.resolve(null);
      if (node.depth === 0) return Promise.resolve({ file: entry[1], index: i, entries: node.entries });
      return self.json(entry[1]).then(walk);
    }
    return walk(tree);
  };

  function lessTerm(a, b) { return cmp(a, b) < 0; }
  function lessNum(a, b) { return a < b; }

  /** The shard(s) that hold `key` and, with `prefix`, the terms after it. */
  Index.prototype.shardsFor = function (key, prefix) {
    var self = this;
    return this.root().then(function (root) {
      return self.locate(root.terms, key, lessTerm).then(function (loc) {
        if (!loc) return [];
        var names = [loc.file];
        var next = loc.entries[loc.index + 1];
        if (prefix && next && String(next[0]).startsWith(key)) names.push(next[1]);
        return Promise.all(names.map(function (n) { return self.shard(n); }));
      });
    });
  };

  /** The entry of one exact key in the given shards. */
  function exact(shards, key) {
    for (var sh of shards) {
      var i = lowerBound(sh.terms, key);
      if (i < sh.terms.length && sh.terms[i] === key) return sh.entries[i];
    }
    return null;
  }

  /**
   * A query: `"quoted words"` must occur together (a phrase), `-word` must not
   * occur in the page, the rest are ranked. Returns {terms, groups, neg}:
   * terms {key, word, prefix, typo, cjk, group}, groups the term indexes of
   * each phrase, neg the excluded keys.
   */
  function parseQuery(query, prefix, langs) {
    var lang = language(langs);
    var out = { terms: [], groups: [], neg: [], cjk: [] };
    var trailingSpace = /\s$/.test(query);
    var re = /(-?)"([^"]*)"?|(\S+)/g;
    var parts = [];
    var m;
    while ((m = re.exec(query)) !== null) {
      if (m[2] !== undefined) parts.push({ text: m[2], neg: m[1] === '-', phrase: true, end: re.lastIndex });
      else if (m[3].length > 1 && m[3][0] === '-') parts.push({ text: m[3].slice(1), neg: true, phrase: false, end: re.lastIndex });
      else parts.push({ text: m[3], neg: false, phrase: false, end: re.lastIndex });
    }
    parts.forEach(function (part, pi) {
      if (part.neg) {
        for (var t of tokenize(part.text, langs)) {
          for (var k of [t.term].concat(t.alts)) if (out.neg.indexOf(k) < 0) out.neg.push(k);
        }
        return;
      }
      var ws = lang.words(part.text);
      var group = part.phrase && ws.length > 1 ? out.groups.length : -1;
      var members = [];
      ws.forEach(function (pair, idx) {
        var word = pair[1];
        var typing = prefix && !trailingSpace && !part.phrase && pi === parts.length - 1 && idx === ws.length - 1;
        if (pair[0]) {
          var chars = Array.from(word);
          if (chars.length === 1) {
            members.push(out.terms.length);
            out.terms.push({ key: word, word: word, prefix: true, typo: false, cjk: true, group: group });
          } else {
            // A CJK word is a phrase of its bigrams (a substring search),
            // unless it is part of a quoted phrase already.
            var own = group < 0 ? [] : null;
            var g = group < 0 ? out.groups.length + 1000 : group;
            for (var t of cjkTerms(word)) {
              (own || members).push(out.terms.length);
              out.terms.push({ key: t, word: word, prefix: false, typo: false, cjk: true, group: g });
            }
            if (own) out.cjk.push(own);
          }
          return;
        }
        var wt = lang.terms(word);
        word = wt.word;
        var len = Array.from(word).length;
        if (!word || len > MAX_WORD_CHARS) return;
        if (lang.stop && STOP.has(word) && !typing) return;
        members.push(out.terms.length);
        out.terms.push({
          key: wt.term,
          alts: wt.alts,
          word: word,
          prefix: typing || (prefix && !part.phrase && len >= PREFIX_MIN_CHARS),
          typo: !part.phrase && len >= TYPO_MIN_CHARS,
          cjk: false,
          group: group
        });
      });
      if (group >= 0) {
        if (members.length > 1) out.groups.push(members);
        else members.forEach(function (i) { out.terms[i].group = -1; });
      }
    });
    // CJK words join the phrases (their group ids are their places there).
    for (var own of out.cjk) {
      for (var i of own) out.terms[i].group = out.groups.length;
      out.groups.push(own);
    }
    delete out.cjk;
    return out;
  }

  /** All postings of an entry: its first piece and every further piece. */
  Index.prototype.allOf = function (entry) {
    var self = this;
    return Promise.all(entry.more.map(function (p) { return self.piece(p.name); })).then(function (rest) {
      return [entry.first].concat(rest);
    });
  };

  /** Candidate entries of one query term: [{term, entry, factor, lists, next, tail}]. */
  Index.prototype.candidates = function (q) {
    var self = this;
    var probe = q.prefix ? (cmp(q.word, q.key) < 0 ? q.word : q.key) : q.key;
    // The word's terms in the site's other languages (alts) are exact matches too.
    var keys = [q.key].concat(q.alts || []);
    return Promise.all(keys.map(function (key, k) {
      return self.shardsFor(k ? key : probe, !k && q.prefix);
    })).then(function (loaded) {
      var shards = loaded[0];
      var cands = [];
      function add(term, entry, factor, tail) {
        cands.push({ term: term, entry: entry, factor: factor, lists: [entry.first], next: 0, tail: tail });
      }
      keys.forEach(function (key, k) {
        var hit = exact(loaded[k], key);
        if (hit) add(key, hit, 1, true);
      });
      if (q.prefix) {
        var exp = [];
        for (var sh of shards) {
          var i = lowerBound(sh.terms, q.word);
          for (; i < sh.terms.length && sh.terms[i].startsWith(q.word); i++) {
            var term = sh.terms[i];
            if (keys.indexOf(term) < 0 && !term.endsWith(' ')) exp.push([term, sh.entries[i]]);
          }
        }
        exp.sort(function (a, b) { return a[0].length - b[0].length || cmp(a[0], b[0]); });
        exp.slice(0, MAX_EXPANSIONS).forEach(function (e, k) { add(e[0], e[1], PREFIX_FACTOR, k < TAIL_EXPANSIONS); });
      }
      if (cands.length === 0 && q.typo) {
        for (var sh2 of shards) {
          sh2.terms.forEach(function (term, k) {
            if (!term.endsWith(' ') && (editDistanceAtMostOne(term, q.key) || editDistanceAtMostOne(term, q.word))) {
              add(term, sh2.entries[k], TYPO_FACTOR, false);
            }
          });
        }
      }
      return cands;
    });
  };

  /** Per-page scores from the loaded lists of every term's candidates. */
  function accumulate(perTerm, range, excluded) {
    var nq = perTerm.length;
    var pages = new Map();
    perTerm.forEach(function (cands, qi) {
      for (var c of cands) {
        for (var list of c.lists) {
          for (var k = 0; k < list.pages.length; k++) {
            var p = list.pages[k];
            if (p < range[0] || p >= range[1] || excluded.has(p)) continue;
            var acc = pages.get(p);
            if (!acc) { acc = { page: p, title: new Float64Array(nq), field: new Float64Array(nq), secs: new Map() }; pages.set(p, acc); }
            var slot = list.slots[k];
            var arr = slot === 0 ? acc.title : acc.field;
            if (slot > 1) {
              arr = acc.secs.get(slot);
              if (!arr) { arr = new Float64Array(nq); acc.secs.set(slot, arr); }
            }
            var w = list.weights[k] * c.factor;
            if (arr[qi] < w) arr[qi] = w;
          }
        }
      }
    });
    return pages;
  }

  function sum(arr) { var s = 0; for (var i = 0; i < arr.length; i++) s += arr[i]; return s; }

  /**
   * Score one page: its title and other fields, its best section, half of
   * what other sections add for words the best one lacks; times the squared
   * share of the query's weight (idf) the page matches anywhere, and times
   * one plus the share its title covers.
   */
  function scorePage(acc, idf, groups) {
    var nq = idf.length;
    var best = 0;
    var bestScore = -1;
    var secScores = [];
    acc.secs.forEach(function (arr, slot) {
      var s = sum(arr);
      secScores.push([slot, s]);
      if (s > bestScore || (s === bestScore && slot < best)) { best = slot; bestScore = s; }
    });
    // A phrase's words must all be in one slot.
    for (var g of groups) {
      var ok = g.every(function (qi) { return acc.title[qi] > 0; }) || g.every(function (qi) { return acc.field[qi] > 0; });
      if (!ok) {
        acc.secs.forEach(function (arr) { if (g.every(function (qi) { return arr[qi] > 0; })) ok = true; });
      }
      if (!ok) return null;
    }
    var bestArr = best ? acc.secs.get(best) : null;
    var score = sum(acc.title) + sum(acc.field) + (bestScore > 0 ? bestScore : 0);
    var matched = 0;
    var total = 0;
    var titled = 0;
    for (var qi = 0; qi < nq; qi++) {
      if (acc.title[qi] > 0) titled += idf[qi];
      var any = acc.field[qi] > 0 || acc.title[qi] > 0;
      var other = 0;
      acc.secs.forEach(function (arr) { if (arr[qi] > other) other = arr[qi]; });
      if (other > 0) any = true;
      if (!(bestArr && bestArr[qi] > 0)) score += other / 2;
      total += idf[qi];
      if (any) matched += idf[qi];
    }
    var coord = total > 0 ? matched / total : 1;
    if (total > 0) score *= 1 + titled / total;
    secScores.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return { page: acc.page, score: score * coord * coord, best: best, sections: secScores, mask: matched, full: matched >= total - 1e-9 };
  }

  /** Runs of matched words in a text: [start, end, key] in order. */
  function matches(text, terms) {
    var keys = new Set(terms.keys);
    var out = [];
    var re = /(?:[\p{Alphabetic}\p{N}\p{M}'\u2019]|\[[\p{Alphabetic}\p{N}]{1,3}\](?=[\p{Alphabetic}\p{N}]))+/gu;
    var m;
    while ((m = re.exec(text)) !== null) {
      var toks = tokenize(m[0], terms.langs);
      if (toks.length > 0 && toks.every(function (t) { return hits(keys, t); })) {
        out.push([m.index, m.index + m[0].length, toks[0].term]);
      }
    }
    return out;
  }

  /**
   * The part of `text` around its best match (the window with the most
   * different matched words), cut at spaces, with ellipses where cut.
   */
  function excerpt(text, terms, cut, size) {
    size = size || EXCERPT_CHARS;
    text = String(text || '');
    if (text.length <= size) return text + (cut ? '…' : '');
    var ms = matches(text, terms);
    var start = 0;
    if (ms.length) {
      var bestCount = -1;
      for (var i = 0; i < ms.length; i++) {
        var seen = new Set();
        for (var j = i; j < ms.length && ms[j][1] - ms[i][0] <= size; j++) seen.add(ms[j][2]);
        if (seen.size > bestCount) { bestCount = seen.size; start = ms[i][0]; }
      }
      start = Math.max(0, start - 30);
    }
    if (start > 0) {
      var sp = text.indexOf(' ', start);
      start = sp >= 0 && sp < start + 30 ? sp + 1 : start;
    }
    var end = Math.min(text.length, start + size);
    if (end < text.length) {
      var back = text.lastIndexOf(' ', end);
      if (back > start + size / 2) end = back;
    }
    return (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length || cut ? '…' : '');
  }

  /** Whether the words of a phrase follow each other in `text`. */
  function hasPhrase(text, keys, langs) {
    var toks = tokenize(text, langs).map(function (t) { return t.term; });
    outer: for (var i = 0; i + keys.length <= toks.length; i++) {
      for (var j = 0; j < keys.length; j++) if (toks[i + j] !== keys[j]) continue outer;
      return true;
    }
    return false;
  }

  /**
   * Search. Options: kind ('page' | 'answer' | null), limit (pages, default
   * 10), prefix (match words of four letters or more, and the word being
   * typed, as prefixes; default true). Resolves to {results: [{url, title,
   * breadcrumb, kind, excerpt, score, exactTitle, sub: [{url, heading,
   * excerpt}]}], total, terms: {words, keys, langs}} (terms for highlighting).
   */
  Index.prototype.search = function (query, opts) {
    var self = this;
    return this.langs().then(function (langs) { return self.searchIn(query, opts || {}, langs); });
  };

  /** `search` once the index's languages (and their stemmers) are known. */
  Index.prototype.searchIn = function (query, opts, langs) {
    var limit = opts.limit || 10;
    var self = this;
    var parsed = parseQuery(query, opts.prefix !== false, langs);
    var qterms = parsed.terms;
    var none = { results: [], total: 0, terms: { words: [], keys: [], langs: langs } };
    if (qterms.length === 0) return Promise.resolve(none);
    var full = tokenize(query.replace(/(^|\s)-\S+/g, ' ').replace(/"/g, ' '), langs).map(function (t) { return t.term; });
    var titleKey = full.length ? full.join(' ') + ' ' : null;
    return this.root().then(function (root) {
      var range = opts.kind && root.kinds ? root.kinds[opts.kind] || [0, 0] : [0, root.pages];
      var slots = root.slots || root.pages;
      var jobs = qterms.map(function (q) { return self.candidates(q); });
      var titleJob = titleKey ? self.shardsFor(titleKey, false).then(function (sh) { return exact(sh, titleKey); }) : Promise.resolve(null);
      var negJob = Promise.all(parsed.neg.map(function (key) {
        return self.shardsFor(key, false).then(function (sh) {
          var e = exact(sh, key);
          return e ? self.allOf(e) : [];
        });
      }));
      return Promise.all([Promise.all(jobs), titleJob, negJob]).then(function (all) {
        var perTerm = all[0];
        var titles = new Set(all[1] ? Array.from(all[1].first.pages) : []);
        var excluded = new Set();
        for (var lists of all[2]) for (var l of lists) for (var k = 0; k < l.pages.length; k++) excluded.add(l.pages[k]);
        var idf = perTerm.map(function (cands) {
          var df = 0;
          for (var c of cands) if (c.factor === 1 || df === 0) df = Math.max(df, c.entry.total);
          return Math.log(1 + slots / (df + 1));
        });
        var common = perTerm.map(function (cands) {
          return cands.some(function (c) { return c.entry.total > slots * COMMON_SHARE; });
        });
        var loaded = 0;
        function rank() {
          var pages = accumulate(perTerm, range, excluded);
          var ranked = [];
          var enough = 0;
          pages.forEach(function (acc) {
            var s = scorePage(acc, idf, parsed.groups);
            if (!s) return;
            s.exactTitle = titles.has(s.page) && s.page >= range[0] && s.page < range[1];
            var required = true;
            for (var qi = 0; qi < qterms.length; qi++) {
              if (common[qi] && !common.every(Boolean)) continue;
              var hit = acc.field[qi] > 0 || acc.title[qi] > 0;
              acc.secs.forEach(function (arr) { if (arr[qi] > 0) hit = true; });
              if (!hit) required = false;
            }
            if (required) enough++;
            ranked.push(s);
          });
          return { ranked: ranked, enough: enough };
        }
        function more(state) {
          if (state.enough >= limit) return Promise.resolve(state);
          // The next piece of each term's candidates, rarest term first.
          var order = perTerm.map(function (cands, qi) { return qi; }).sort(function (a, b) { return idf[b] - idf[a]; });
          var want = [];
          for (var qi of order) {
            for (var c of perTerm[qi]) {
              var p = c.tail && c.entry.more[c.next];
              if (p && loaded + p.count <= TAIL_BUDGET) { loaded += p.count; want.push([c, p]); }
            }
          }
          if (want.length === 0) return Promise.resolve(state);
          return Promise.all(want.map(function (w) {
            w[0].next += 1;
            return self.piece(w[1].name).then(function (list) { w[0].lists.push(list); });
          })).then(function () { return more(rank()); });
        }
        return more(rank()).then(function (state) {
          var ranked = state.ranked;
          ranked.sort(function (a, b) {
            return (b.exactTitle - a.exactTitle) || (b.score - a.score) || (a.page - b.page);
          });
          var matchedKeys = [];
          perTerm.forEach(function (cands) { for (var c of cands) matchedKeys.push(c.term); });
          var asked = [];
          for (var q of qterms) asked.push.apply(asked, [q.key].concat(q.alts || []));
          var terms = {
            words: qterms.map(function (q) { return q.word; }),
            keys: Array.from(new Set(matchedKeys.concat(asked))),
            langs: langs
          };
          var phrases = parsed.groups.map(function (g) { return g.map(function (qi) { return qterms[qi].key; }); });
          var pool = ranked.slice(0, phrases.length ? limit * 3 : limit);
          return Promise.all(pool.map(function (s) { return self.page(s.page, root); })).then(function (recs) {
            var results = [];
            pool.forEach(function (s, i) {
              var rec = recs[i];
              if (!rec || results.length >= limit) return;
              if (phrases.length && !phrases.every(function (ph) { return phraseIn(rec, s, ph, langs); })) return;
              results.push(result(rec, s, terms));
            });
            return { total: ranked.length, results: results, terms: terms };
          });
        });
      });
    });
  };

  /** Whether a phrase is in the page's title or in one of its matching sections (a cut text may hold it further on). */
  function phraseIn(rec, s, keys, langs) {
    if (hasPhrase(rec[1], keys, langs)) return true;
    var secs = rec[4] || [];
    for (var e of s.sections) {
      var sec = secs[e[0] - 2];
      if (sec && (hasPhrase(sec[1], keys, langs) || hasPhrase(sec[2], keys, langs) || sec[3])) return true;
    }
    return false;
  }

  function href(pageUrl, anchor) { return anchor ? pageUrl + '#' + anchor : pageUrl; }

  /**
   * A section's anchor. Blocks store 1 where it is the slug of an ASCII
   * heading (src/search/model.rs `anchor_is_slug`): lowercase letters,
   * digits, `_` and `-` kept, whitespace as `-`, anything else dropped.
   */
  function anchorOf(sec) {
    if (sec[0] !== 1) return sec[0];
    var out = '';
    var h = sec[1].trim();
    for (var i = 0; i < h.length; i++) {
      var c = h.charCodeAt(i);
      if ((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 95 || c === 45) out += h[i];
      else if (c >= 65 && c <= 90) out += String.fromCharCode(c + 32);
      else if (c === 32 || (c >= 9 && c <= 13)) out += '-';
    }
    return out;
  }

  /** One grouped result: the page, an excerpt of its best section, its best matching sections. */
  function result(rec, s, terms) {
    var secs = rec[4] || [];
    var best = s.best ? secs[s.best - 2] : null;
    var text = best && best[2] ? excerpt(best[2], terms, best[3]) : '';
    for (var k = 0; !text && k < secs.length; k++) if (secs[k][2]) text = excerpt(secs[k][2], terms, secs[k][3]);
    if (!text) text = (best && best[1]) || rec[2] || rec[1];
    var sub = [];
    for (var e of s.sections) {
      var sec = secs[e[0] - 2];
      if (!sec || !sec[0] || sub.length >= SUBRESULTS) continue;
      sub.push({
        url: href(rec[0], anchorOf(sec)),
        heading: sec[1],
        excerpt: sec[2] ? excerpt(sec[2], terms, sec[3], 120) : sec[1]
      });
    }
    return {
      url: rec[0], title: rec[1], breadcrumb: rec[2], kind: rec[3], excerpt: text,
      score: s.score, exactTitle: s.exactTitle, sub: sub
    };
  }

  /** The stored record of one page: [url, title, breadcrumb, kind, [[anchor, heading, text, cut]]] (anchor 1: see anchorOf). */
  Index.prototype.page = function (id, root) {
    var self = this;
    return this.locate(root.docs, id, lessNum).then(function (loc) {
      return self.json(loc.file).then(function (block) {
        return block.pages[id - block.first];
      });
    });
  };

  /**
   * Split text into [segment, highlighted] pairs: a word is highlighted when
   * its term is one of the matched keys; CJK runs are highlighted where a
   * query CJK word occurs in them.
   */
  function highlight(text, terms) {
    var keys = new Set(terms.keys);
    var cjkWords = terms.words.filter(function (w) { return isCjk(w.codePointAt(0)); });
    var out = [];
    var re = /(?:[\p{Alphabetic}\p{N}\p{M}'\u2019]|\[[\p{Alphabetic}\p{N}]{1,3}\](?=[\p{Alphabetic}\p{N}]))+/gu;
    var last = 0;
    var m;
    function push(seg, on) {
      if (!seg) return;
      var prev = out[out.length - 1];
      if (prev && prev[1] === on) prev[0] += seg; else out.push([seg, on]);
    }
    while ((m = re.exec(text)) !== null) {
      var seg = m[0];
      push(text.slice(last, m.index), false);
      last = m.index + seg.length;
      var first = seg.codePointAt(0);
      if (isCjk(first) && cjkWords.length) {
        var rest = seg;
        while (rest) {
          var at = -1;
          var len = 0;
          for (var w of cjkWords) {
            var p = rest.indexOf(w);
            if (p >= 0 && (at < 0 || p < at)) { at = p; len = w.length; }
          }
          if (at < 0) { push(rest, false); break; }
          push(rest.slice(0, at), false);
          push(rest.slice(at, at + len), true);
          rest = rest.slice(at + len);
        }
        continue;
      }
      var toks = tokenize(seg, terms.langs);
      var on = toks.length > 0 && toks.every(function (t) { return hits(keys, t); });
      push(seg, on);
    }
    push(text.slice(last), false);
    return out;
  }

  var api = {
    fold: fold, words: words, tokenize: tokenize, stem: stem, isCjk: isCjk, languages: languages,
    Index: Index, highlight: highlight, parseShard: parseShard, cmp: cmp,
    parseQuery: parseQuery, excerpt: excerpt, joinBracketed: joinBracketed,
    unpack91: unpack91, anchorOf: anchorOf
  };

  // ------------------------------------------------------------- the browser
  if (typeof document !== 'undefined' && typeof window !== 'undefined') {
    global.lorebookSearch = api;
    var script = document.currentScript;
    // A page in another language than the default names its language's
    // index (data-index="de/search/"); it searches only that one.
    if (script && script.src) setUp(new URL('../', script.src), script.getAttribute('data-index'));
  }

  /** Quiet time after which a header-box query counts as searched. */
  var SETTLE_MS = 1000;

  /** Wire the header box and the search page; `site` is the site root URL,
   * `indexPath` the page's language's index from it (default `search/`). */
  function setUp(site, indexPath) {
    var own = indexPath && /^[a-z0-9-]+\/search\/$/i.test(indexPath) ? indexPath : 'search/';
    var searchRoot = new URL(own, site);
    var pending = new Map();
    global.lorebookSearchData = function (name, packed) {
      var p = pending.get(name);
      if (p) { pending.delete(name); p(packed); }
    };
    /** Run the script at `url`; rejects with `error` if it cannot load. */
    function addScript(url, error) {
      return new Promise(function (resolve, reject) {
        var el = document.createElement('script');
        el.src = url.href;
        el.async = true;
        el.onload = function () { el.remove(); resolve(); };
        el.onerror = function () { reject(new Error(error)); };
        document.head.appendChild(el);
      });
    }
    function fetchPayload(name) {
      var payload;
      pending.set(name, function (packed) { payload = packed; });
      return addScript(new URL(name, searchRoot), 'cannot load search index file ' + name).then(function () {
        return payload;
      }, function (err) {
        pending.delete(name);
        throw err;
      });
    }
    // Other languages' code is in scripts too (assets/stem/lang.min.js,
    // then <code>.js, a stemmer), loaded only when the index names them.
    function loadScript(name) {
      return addScript(new URL('assets/stem/' + name + '.js', site), 'cannot load assets/stem/' + name + '.js');
    }
    var index = new Index(fetchPayload, loadScript);
    api.index = index;

    function href(url) {
      var hash = '';
      var i = url.indexOf('#');
      if (i >= 0) { hash = url.slice(i); url = url.slice(0, i); }
      // Opened from disk, directories do not resolve to their index.html.
      if (site.protocol === 'file:' && (url === '' || url.endsWith('/'))) url += 'index.html';
      return new URL(url, site).href + hash;
    }

    function marked(parent, text, terms) {
      for (var seg of highlight(text || '', terms)) {
        if (seg[1]) {
          var m = document.createElement('mark');
          m.textContent = seg[0];
          parent.appendChild(m);
        } else {
          parent.appendChild(document.createTextNode(seg[0]));
        }
      }
    }

    function renderResult(r, terms, id) {
      var a = document.createElement('a');
      a.className = 'search-result';
      a.href = href(r.url);
      a.id = id;
      a.setAttribute('role', 'option');
      a.dataset.kind = r.kind;
      var title = document.createElement('span');
      title.className = 'search-result-title';
      marked(title, r.title, terms);
      a.appendChild(title);
      if (r.kind === 'answer') {
        var badge = document.createElement('span');
        badge.className = 'search-result-kind';
        badge.textContent = 'answer';
        a.appendChild(badge);
      }
      if (r.breadcrumb) {
        var crumb = document.createElement('span');
        crumb.className = 'search-result-crumb';
        crumb.textContent = r.breadcrumb;
        a.appendChild(crumb);
      }
      if (r.excerpt) {
        var ex = document.createElement('span');
        ex.className = 'search-result-excerpt';
        marked(ex, r.excerpt, terms);
        a.appendChild(ex);
      }
      var nodes = [a];
      (r.sub || []).forEach(function (s, k) {
        var sub = document.createElement('a');
        sub.className = 'search-sub';
        sub.href = href(s.url);
        sub.id = id + '-' + k;
        sub.setAttribute('role', 'option');
        var h = document.createElement('span');
        h.className = 'search-sub-heading';
        marked(h, s.heading, terms);
        sub.appendChild(h);
        if (s.excerpt && s.excerpt !== s.heading) {
          var se = document.createElement('span');
          se.className = 'search-result-excerpt';
          marked(se, s.excerpt, terms);
          sub.appendChild(se);
        }
        nodes.push(sub);
      });
      return nodes;
    }

    /** A search UI over an input, a filter group and a results list. */
    function attach(input, list, filter, opts) {
      var kind = null;
      var active = -1;
      var seq = 0;
      var timer = null;
      function items() { return list.querySelectorAll('.search-result, .search-sub'); }
      function setActive(i) {
        var all = items();
        if (all.length === 0) { active = -1; return; }
        active = (i + all.length) % all.length;
        all.forEach(function (el, k) { el.classList.toggle('is-active', k === active); el.setAttribute('aria-selected', k === active ? 'true' : 'false'); });
        input.setAttribute('aria-activedescendant', all[active].id);
        all[active].scrollIntoView({ block: 'nearest' });
      }
      var panel = opts.panel || list;
      function open() {
        if (!opts.dropdown) return;
        panel.hidden = false;
        input.setAttribute('aria-expanded', 'true');
      }
      function close() {
        if (!opts.dropdown) return;
        panel.hidden = true;
        input.setAttribute('aria-expanded', 'false');
      }
      function status(text) {
        var p = document.createElement('p');
        p.className = 'search-status';
        p.textContent = text;
        list.replaceChildren(p);
      }
      // Counts for analytics (lorebookSearched, in site.js, fires the
      // lorebook:search and lorebook:zero-results DOM events): the search
      // page reports its query at once, the header box only a query that
      // stayed SETTLE_MS unchanged, so words half typed are not counted.
      var reportTimer = null;
      function report(q, count) {
        clearTimeout(reportTimer);
        if (!global.lorebookSearched) return;
        var send = function () { global.lorebookSearched(q, count, list); };
        if (opts.dropdown) reportTimer = setTimeout(send, SETTLE_MS);
        else Promise.resolve().then(send);
      }
      function run() {
        clearTimeout(reportTimer);
        var q = input.value;
        var mine = ++seq;
        if (!q.trim()) { list.replaceChildren(); close(); return; }
        open();
        index.search(q, { kind: kind, limit: opts.limit }).then(function (res) {
          if (mine !== seq) return;
          report(q, res.results.length);
          active = -1;
          input.removeAttribute('aria-activedescendant');
          if (res.results.length === 0) { status('No results for “' + q.trim() + '”'); return; }
          var nodes = [];
          res.results.forEach(function (r, i) { nodes = nodes.concat(renderResult(r, res.terms, opts.prefix + '-' + i)); });
          list.replaceChildren.apply(list, nodes);
          if (opts.onResults) opts.onResults(q, res);
        }, function (err) {
          if (mine === seq) status('Search is unavailable: ' + err.message);
        });
      }
      input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(run, 40);
      });
      input.addEventListener('keydown', function (ev) {
        if (ev.key === 'ArrowDown') { ev.preventDefault(); setActive(active + 1); }
        else if (ev.key === 'ArrowUp') { ev.preventDefault(); setActive(active - 1); }
        else if (ev.key === 'Enter') {
          var all = items();
          var target = all[active >= 0 ? active : 0];
          if (target && (opts.dropdown || active >= 0)) { ev.preventDefault(); global.location.href = target.href; }
        } else if (ev.key === 'Escape') {
          if (opts.dropdown) { close(); input.blur(); }
        }
      });
      if (opts.dropdown) {
        input.addEventListener('focus', function () {
          index.langs().catch(function () {});
          if (input.value.trim() && list.childNodes.length) open();
        });
        document.addEventListener('click', function (ev) {
          if (!panel.contains(ev.target) && ev.target !== input) close();
        });
      }
      if (filter) {
        filter.addEventListener('change', function (ev) {
          var v = ev.target && ev.target.value;
          kind = v === 'page' || v === 'answer' ? v : null;
          run();
        });
      }
      return { run: run };
    }

    function ready() {
      var box = document.getElementById('search-input');
      var boxList = document.getElementById('search-results');
      if (box && boxList) {
        attach(box, boxList, document.getElementById('search-filter'), {
          dropdown: true, limit: 8, prefix: 'search-r', panel: document.getElementById('search-panel')
        });
        document.addEventListener('keydown', function (ev) {
          var t = ev.target;
          var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
          if ((ev.key === '/' && !typing) || (ev.key === 'k' && (ev.ctrlKey || ev.metaKey))) {
            ev.preventDefault();
            box.focus();
            box.select();
          }
        });
      }
      var pageInput = document.getElementById('search-page-input');
      var pageList = document.getElementById('search-page-results');
      if (pageInput && pageList) {
        var ui = attach(pageInput, pageList, document.getElementById('search-page-filter'), {
          dropdown: false, limit: 50, prefix: 'search-p',
          onResults: function (q) {
            var u = new URL(global.location.href);
            u.searchParams.set('q', q);
            try { global.history.replaceState(null, '', u.href); } catch (e) { /* file:// */ }
          }
        });
        var q = new URL(global.location.href).searchParams.get('q');
        if (q) { pageInput.value = q; ui.run(); }
      }
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
    else ready();
  }
  if (typeof module === 'object' && module.exports) module.exports = api;
})(typeof window !== 'undefined' ? window : this);

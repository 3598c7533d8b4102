/* lorebook search client: no framework, no WASM, no dependencies.
 * The tokenizer and stemmer mirror src/search/tokenize.rs (Snowball English,
 * written here from the published algorithm); tests/js/ checks they agree.
 * Index files are scripts calling lorebookSearchData(name, base64 zlib), so
 * the same files load over http(s) and from file://. The index root is found
 * from this script's own URL (assets/search.js -> ../search/). */
(function (global) {
  'use strict';

  // ---------------------------------------------------------------- tokenizer
  var STOP = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from',
    'has', 'have', 'if', 'in', 'into', 'is', 'it', 'its', 'of', 'on', 'or', 'that', 'the',
    'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was', 'were', 'will', 'with']);
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

  /** Folded words: [isCjkRun, word] pairs in order. */
  function words(text) {
    var folded = fold(text);
    var out = [];
    var run = '';
    var cjk = null;
    function flush() {
      if (!run) return;
      if (cjk) {
        out.push([true, run]);
      } else {
        var m = run.match(WORD) || [];
        for (var w of m) {
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
      run = '';
    }
    for (var ch of folded) {
      var k = isCjk(ch.codePointAt(0));
      if (cjk !== null && k !== cjk) flush();
      cjk = k;
      run += ch;
    }
    flush();
    return out;
  }

  function cjkTerms(run) {
    var chars = Array.from(run);
    if (chars.length === 1) return [run];
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  /** Tokens {term, word, cjk} of a text, as the Rust side indexes them. */
  function tokenize(text) {
    var out = [];
    for (var pair of words(text)) {
      var word = pair[1];
      if (pair[0]) {
        for (var t of cjkTerms(word)) out.push({ term: t, word: word, cjk: true });
      } else if (Array.from(word).length <= MAX_WORD_CHARS && !STOP.has(word)) {
        out.push({ term: stem(word), word: word, cjk: false });
      }
    }
    return out;
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

  function base64Bytes(b64) {
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(stream).arrayBuffer().then(function (buf) { return new Uint8Array(buf); });
  }

  var UTF8 = new TextDecoder();

  function parseShard(bytes) {
    var pos = 0;
    function varint() {
      var v = 0;
      var mul = 1;
      for (;;) {
        var b = bytes[pos++];
        if (b === undefined) throw new Error('truncated search shard');
        v += (b & 0x7f) * mul;
        if (b < 0x80) return v;
        mul *= 128;
      }
    }
    var count = varint();
    var terms = [];
    var lists = [];
    var prev = new Uint8Array(0);
    for (var t = 0; t < count; t++) {
      var shared = varint();
      var len = varint();
      var key = new Uint8Array(shared + len);
      key.set(prev.subarray(0, shared), 0);
      key.set(bytes.subarray(pos, pos + len), shared);
      pos += len;
      prev = key;
      var n = varint();
      var units = new Uint32Array(n);
      var unit = 0;
      for (var k = 0; k < n; k++) { unit += varint(); units[k] = unit; }
      var weights = bytes.subarray(pos, pos + n);
      pos += n;
      terms.push(UTF8.decode(key));
      lists.push({ units: units, weights: weights });
    }
    return { terms: terms, lists: lists };
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
  var TYPO_MIN_CHARS = 5;

  /**
   * A searchable index. `fetchPayload(name)` resolves to the base64 payload of
   * the index file `name` (the second argument of lorebookSearchData).
   */
  function Index(fetchPayload) {
    this.fetchPayload = fetchPayload;
    this.cache = new Map();
  }

  Index.prototype.bytes = function (name) {
    var hit = this.cache.get(name);
    if (!hit) {
      hit = Promise.resolve(this.fetchPayload(name)).then(function (b64) {
        return inflate(base64Bytes(b64));
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
  Index.prototype.shard = function (name) {
    var key = 'shard:' + name;
    var hit = this.cache.get(key);
    if (!hit) {
      hit = this.bytes(name).then(parseShard);
      this.cache.set(key, hit);
    }
    return hit;
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

  /** Postings of one exact key in the given shards. */
  function exact(shards, key) {
    for (var sh of shards) {
      var i = lowerBound(sh.terms, key);
      if (i < sh.terms.length && sh.terms[i] === key) return sh.lists[i];
    }
    return null;
  }

  /** Query terms: {key, word, prefix, typo, required}. */
  function queryTerms(query, prefix) {
    var out = [];
    var ws = words(query);
    var trailingSpace = /\s$/.test(query);
    ws.forEach(function (pair, idx) {
      var word = pair[1];
      var isLast = idx === ws.length - 1 && prefix && !trailingSpace;
      if (pair[0]) {
        var chars = Array.from(word);
        if (chars.length === 1) {
          out.push({ key: word, word: word, prefix: true, typo: false, cjk: true });
        } else {
          for (var t of cjkTerms(word)) out.push({ key: t, word: word, prefix: false, typo: false, cjk: true });
        }
        return;
      }
      if (Array.from(word).length > MAX_WORD_CHARS) return;
      if (STOP.has(word) && !isLast) return;
      out.push({
        key: stem(word),
        word: word,
        prefix: isLast,
        typo: Array.from(word).length >= TYPO_MIN_CHARS,
        cjk: false
      });
    });
    return out;
  }

  /**
   * Search. Options: kind ('page' | 'answer' | null), limit (default 10),
   * prefix (treat the last word as a prefix; default true).
   * Resolves to {results: [{url, title, breadcrumb, heading, kind, excerpt,
   * score, exactTitle}], terms: {words, keys}} (terms for highlighting).
   */
  Index.prototype.search = function (query, opts) {
    opts = opts || {};
    var limit = opts.limit || 10;
    var self = this;
    var qterms = queryTerms(query, opts.prefix !== false);
    if (qterms.length === 0) return Promise.resolve({ results: [], terms: { words: [], keys: [] } });
    var full = tokenize(query).map(function (t) { return t.term; });
    var titleKey = full.length ? full.join(' ') + ' ' : null;
    return this.root().then(function (root) {
      var range = opts.kind && root.kinds ? root.kinds[opts.kind] || [0, 0] : [0, root.units];
      var jobs = qterms.map(function (q) {
        var probe = q.prefix ? (cmp(q.word, q.key) < 0 ? q.word : q.key) : q.key;
        return self.shardsFor(probe, q.prefix).then(function (shards) {
          var cands = [];
          var hit = exact(shards, q.key);
          if (hit) cands.push([q.key, hit, 1]);
          if (q.prefix) {
            var exp = [];
            for (var sh of shards) {
              var i = lowerBound(sh.terms, q.word);
              for (; i < sh.terms.length && sh.terms[i].startsWith(q.word); i++) {
                var term = sh.terms[i];
                if (term !== q.key && !term.endsWith(' ')) exp.push([term, sh.lists[i], PREFIX_FACTOR]);
              }
            }
            exp.sort(function (a, b) { return a[0].length - b[0].length || cmp(a[0], b[0]); });
            cands = cands.concat(exp.slice(0, MAX_EXPANSIONS));
          }
          if (cands.length === 0 && q.typo) {
            for (var sh2 of shards) {
              sh2.terms.forEach(function (term, k) {
                if (!term.endsWith(' ') && (editDistanceAtMostOne(term, q.key) || editDistanceAtMostOne(term, q.word))) {
                  cands.push([term, sh2.lists[k], TYPO_FACTOR]);
                }
              });
            }
          }
          return cands;
        });
      });
      var titleJob = titleKey ? self.shardsFor(titleKey, false).then(function (sh) { return exact(sh, titleKey); }) : Promise.resolve(null);
      return Promise.all([Promise.all(jobs), titleJob]).then(function (all) {
        var perTerm = all[0];
        var titles = new Set(all[1] ? Array.from(all[1].units) : []);
        var scores = new Map();
        var matched = [];
        perTerm.forEach(function (cands, qi) {
          var best = new Map();
          for (var c of cands) {
            matched.push(c[0]);
            var list = c[1];
            for (var k = 0; k < list.units.length; k++) {
              var u = list.units[k];
              if (u < range[0] || u >= range[1]) continue;
              var w = list.weights[k] * c[2];
              if (!(best.get(u) >= w)) best.set(u, w);
            }
          }
          best.forEach(function (w, u) {
            var s = scores.get(u);
            if (!s) { s = { unit: u, score: 0, hits: 0, mask: 0 }; scores.set(u, s); }
            s.score += w;
            s.hits += 1;
            if (qterms[qi].cjk) s.mask |= 1;
          });
        });
        var cjkCount = qterms.filter(function (q) { return q.cjk; }).length;
        var ranked = [];
        scores.forEach(function (s) {
          // CJK bigrams of the query must all occur (substring search).
          if (cjkCount > 0 && s.hits < qterms.length && qterms.length === cjkCount) return;
          s.exactTitle = titles.has(s.unit);
          ranked.push(s);
        });
        ranked.sort(function (a, b) {
          return (b.exactTitle - a.exactTitle) || (b.hits - a.hits) || (b.score - a.score) || (a.unit - b.unit);
        });
        var top = ranked.slice(0, limit);
        return Promise.all(top.map(function (s) { return self.unit(s.unit, root); })).then(function (units) {
          return {
            total: ranked.length,
            results: units.map(function (u, i) {
              return {
                url: u[0], title: u[1], breadcrumb: u[2], heading: u[3], kind: u[4], excerpt: u[5],
                score: top[i].score, exactTitle: top[i].exactTitle
              };
            }),
            terms: {
              words: qterms.map(function (q) { return q.word; }),
              keys: Array.from(new Set(matched.concat(qterms.map(function (q) { return q.key; }))))
            }
          };
        });
      });
    });
  };

  /** The stored fields of one unit: [url, title, breadcrumb, heading, kind, excerpt]. */
  Index.prototype.unit = function (id, root) {
    var self = this;
    return this.locate(root.docs, id, lessNum).then(function (loc) {
      return self.json(loc.file).then(function (block) {
        return block.units[id - block.first];
      });
    });
  };

  /**
   * Split text into [segment, highlighted] pairs: a word is highlighted when
   * its term is one of the matched keys (or starts with the typed prefix);
   * CJK runs are highlighted where a query CJK word occurs in them.
   */
  function highlight(text, terms) {
    var keys = new Set(terms.keys);
    var cjkWords = terms.words.filter(function (w) { return isCjk(w.codePointAt(0)); });
    var out = [];
    var re = /[\p{Alphabetic}\p{N}'\u2019]+/gu;
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
      var toks = tokenize(seg);
      var on = toks.length > 0 && toks.every(function (t) { return keys.has(t.term); });
      push(seg, on);
    }
    push(text.slice(last), false);
    return out;
  }

  var api = {
    fold: fold, words: words, tokenize: tokenize, stem: stem, isCjk: isCjk,
    Index: Index, highlight: highlight, parseShard: parseShard, cmp: cmp
  };

  // ------------------------------------------------------------- the browser
  if (typeof document !== 'undefined' && typeof window !== 'undefined') {
    global.lorebookSearch = api;
    var script = document.currentScript;
    if (script && script.src) setUp(new URL('../', script.src));
  }

  /** Wire the header box and the search page; `site` is the site root URL. */
  function setUp(site) {
    var searchRoot = new URL('search/', site);
    var pending = new Map();
    global.lorebookSearchData = function (name, b64) {
      var p = pending.get(name);
      if (p) { pending.delete(name); p.resolve(b64); }
    };
    function fetchPayload(name) {
      return new Promise(function (resolve, reject) {
        pending.set(name, { resolve: resolve });
        var el = document.createElement('script');
        el.src = new URL(name, searchRoot).href;
        el.async = true;
        el.onerror = function () {
          pending.delete(name);
          reject(new Error('cannot load search index file ' + name));
        };
        el.onload = function () { el.remove(); };
        document.head.appendChild(el);
      });
    }
    var index = new Index(fetchPayload);
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
      marked(title, r.heading ? r.title + ' › ' + r.heading : r.title, terms);
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
      return a;
    }

    /** A search UI over an input, a filter group and a results list. */
    function attach(input, list, filter, opts) {
      var kind = null;
      var active = -1;
      var seq = 0;
      var timer = null;
      function items() { return list.querySelectorAll('.search-result'); }
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
      function run() {
        var q = input.value;
        var mine = ++seq;
        if (!q.trim()) { list.replaceChildren(); close(); return; }
        open();
        index.search(q, { kind: kind, limit: opts.limit }).then(function (res) {
          if (mine !== seq) return;
          if (global.lorebookSearched) Promise.resolve().then(function () { global.lorebookSearched(q, res.results.length, list); });
          active = -1;
          input.removeAttribute('aria-activedescendant');
          if (res.results.length === 0) { status('No results for “' + q.trim() + '”'); return; }
          var nodes = res.results.map(function (r, i) { return renderResult(r, res.terms, opts.prefix + '-' + i); });
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
          index.root().catch(function () {});
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

;; keyguard's byte scanner: one pass over a file's bytes, 16 at a time with WebAssembly SIMD,
;; that tells which rule keywords occur, whether a NUL byte occurs, and the longest run of
;; base64-like bytes ([A-Za-z0-9+/\%]). The reader decodes a file only when that says a rule can
;; match, so most files cost one read and this pass.
;;
;; Keywords are found with 3-byte fingerprints in up to 8 buckets (the "Teddy" idea): the low and
;; high nibbles of each byte and of the two after it look up bucket bits in six 16-entry tables;
;; a lane whose six lookups share a bucket is a candidate, verified byte by byte against that
;; bucket's keywords. The cost per 16 bytes does not depend on how many keywords there are. Up to
;; 128 keywords; each reports the output bit it was given, so keywords whose presence means the
;; same thing to the caller can share one of the 30 bits.
;;
;; Memory: tables in the first 64 KiB (written by byte-scan.ts), the data arena from 65536.
;;   0   T0lo  bucket bits by the low nibble of a keyword's first byte   (16 bytes)
;;   16  T0hi  … by the high nibble of its first byte
;;   32  T1lo  … by the low nibble of its second byte (every bucket, for 1-byte keywords)
;;   48  T1hi  … by the high nibble of its second byte
;;   64  scratch for one vector of candidate lanes                       (16 bytes)
;;   112 T2lo, 128 T2hi: the same for a keyword's third byte (every bucket when it has none)
;;   80  run class bits by low nibble, 96 by high nibble (see RUN_LO/RUN_HI in byte-scan.ts)
;;   160 nwords (i32)
;;   256 bucket b's keywords as a bitmask of keyword indexes (2 × i64 each: 0–63, 64–127)
;;   512 keyword w: its length (1 byte), then its bytes (up to 31)       (32 bytes each, w < 128)
;;   4608 keyword w's output bits (i32 each): keywords may share a bit (see byte-filter.ts)
;;   8192 the last 1-15 bytes of a scan, padded with 0xFF to a block and its two next bytes (32)
;;   16384 where keywords start (i32 addresses, ascending, one per position), up to MAX_STARTS
(module
  (memory (export "memory") 100)
  (global $maxRun (export "maxRun") (mut i32) (i32.const 0))
  ;; Keyword starts the last scan recorded at 16384: the engine reads them instead of searching
  ;; the text for its keywords again. One more than the room (12,288) says some were not kept.
  (global $starts (export "starts") (mut i32) (i32.const 0))

  ;; 1 when keyword $w occurs at $p (within [$p, $end)).
  (func $matchAt (param $w i32) (param $p i32) (param $end i32) (result i32)
    (local $base i32) (local $len i32) (local $k i32)
    (local.set $base (i32.add (i32.const 512) (i32.shl (local.get $w) (i32.const 5))))
    (local.set $len (i32.load8_u (local.get $base)))
    (if (i32.gt_u (i32.add (local.get $p) (local.get $len)) (local.get $end))
      (then (return (i32.const 0))))
    (local.set $k (i32.const 0))
    (block $no
      (loop $each
        (br_if $no (i32.ge_u (local.get $k) (local.get $len)))
        (if (i32.ne
              (i32.load8_u (i32.add (local.get $p) (local.get $k)))
              (i32.load8_u (i32.add (i32.add (local.get $base) (i32.const 1)) (local.get $k))))
          (then (return (i32.const 0))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each)))
    (i32.const 1))

  ;; The output bits of the keywords of the buckets in $bits occurring at $p.
  (func $verify (param $bits i32) (param $p i32) (param $end i32) (result i32)
    (local $b i32) (local $half i32) (local $words i64) (local $w i32) (local $hits i32)
    (block $done
      (loop $buckets
        (br_if $done (i32.eqz (local.get $bits)))
        (local.set $b (i32.ctz (local.get $bits)))
        (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
        ;; Keywords 0-63 in the bucket's first i64, 64-127 in its second.
        (local.set $half (i32.const 0))
        (loop $halves
          (local.set $words
            (i64.load
              (i32.add (i32.const 256)
                (i32.add (i32.shl (local.get $b) (i32.const 4)) (i32.shl (local.get $half) (i32.const 3))))))
          (block $next
            (loop $each
              (br_if $next (i64.eqz (local.get $words)))
              (local.set $w
                (i32.add (i32.wrap_i64 (i64.ctz (local.get $words))) (i32.shl (local.get $half) (i32.const 6))))
              (local.set $words (i64.and (local.get $words) (i64.sub (local.get $words) (i64.const 1))))
              (if (call $matchAt (local.get $w) (local.get $p) (local.get $end))
                (then
                  (local.set $hits
                    (i32.or (local.get $hits)
                      (i32.load (i32.add (i32.const 4608) (i32.shl (local.get $w) (i32.const 2))))))))
              (br $each)))
          (local.set $half (i32.add (local.get $half) (i32.const 1)))
          (br_if $halves (i32.lt_u (local.get $half) (i32.const 2))))
        (br $buckets)))
    (local.get $hits))

  ;; 1 for a base64-like byte: A-Z a-z 0-9 + / \ %
  ;; Scans [$start, $end): returns the output bits of the keywords found (bits 0–29) and bit 30
  ;; when a NUL byte occurs; sets maxRun to the longest run of base64-like bytes.
  (func (export "scan") (param $start i32) (param $end i32) (result i32)
    (local $i i32) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $c v128) (local $nul v128)
    (local $cls v128) (local $m i32) (local $run i32) (local $best i32) (local $hits i32)
    (local $lanes i32) (local $j i32) (local $t i32) (local $lo v128)
    (local $n0lo v128) (local $n0hi v128) (local $tail i32) (local $found i32) (local $shift i32)
    (local.set $i (local.get $start))
    (global.set $starts (i32.const 0))
    (local.set $nul (v128.const i64x2 0 0))
    (block $blocks
      (loop $block
        (if (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end))
          (then
            (br_if $blocks (i32.or (local.get $tail) (i32.ge_u (local.get $i) (local.get $end))))
            ;; The last 1-15 bytes: copied into a block of 0xFF (no keyword byte, not NUL, not
            ;; a run byte) and scanned like any block, once. A keyword that starts in them and
            ;; runs past the end is cut short by $end, as anywhere.
            (v128.store (i32.const 8192) (v128.const i64x2 -1 -1))
            (v128.store (i32.const 8208) (v128.const i64x2 -1 -1))
            (local.set $tail (i32.sub (local.get $end) (local.get $i)))
            ;; Positions in the copy are recorded as where those bytes really are.
            (local.set $shift (i32.sub (local.get $i) (i32.const 8192)))
            (local.set $j (i32.const 0))
            (loop $copy
              (i32.store8 (i32.add (i32.const 8192) (local.get $j))
                (i32.load8_u (i32.add (local.get $i) (local.get $j))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $copy (i32.lt_u (local.get $j) (local.get $tail))))
            (local.set $i (i32.const 8192))
            (local.set $end (i32.add (i32.const 8192) (local.get $tail)))))
        (local.set $v0 (v128.load (local.get $i)))
        (local.set $v1 (v128.load (i32.add (local.get $i) (i32.const 1))))
        (local.set $v2 (v128.load (i32.add (local.get $i) (i32.const 2))))
        (local.set $nul (v128.or (local.get $nul) (i8x16.eq (local.get $v0) (v128.const i64x2 0 0))))
        ;; Candidate lanes: the bucket bits both bytes' nibbles agree on.
        (local.set $lo (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
        (local.set $n0lo (v128.and (local.get $v0) (local.get $lo)))
        (local.set $n0hi (v128.and (i32x4.shr_u (local.get $v0) (i32.const 4)) (local.get $lo)))
        (local.set $c
          (v128.and
            (v128.and
              (i8x16.swizzle (v128.load (i32.const 0)) (local.get $n0lo))
              (i8x16.swizzle (v128.load (i32.const 16)) (local.get $n0hi)))
            (v128.and
              (v128.and
                (i8x16.swizzle (v128.load (i32.const 32)) (v128.and (local.get $v1) (local.get $lo)))
                (i8x16.swizzle (v128.load (i32.const 48))
                  (v128.and (i32x4.shr_u (local.get $v1) (i32.const 4)) (local.get $lo))))
              (v128.and
                (i8x16.swizzle (v128.load (i32.const 112)) (v128.and (local.get $v2) (local.get $lo)))
                (i8x16.swizzle (v128.load (i32.const 128))
                  (v128.and (i32x4.shr_u (local.get $v2) (i32.const 4)) (local.get $lo)))))))
        (if (v128.any_true (local.get $c))
          (then
            (v128.store (i32.const 64) (local.get $c))
            (local.set $lanes (i8x16.bitmask (i8x16.ne (local.get $c) (v128.const i64x2 0 0))))
            (block $verified
              (loop $lane
                (br_if $verified (i32.eqz (local.get $lanes)))
                (local.set $j (i32.ctz (local.get $lanes)))
                (local.set $lanes (i32.and (local.get $lanes) (i32.sub (local.get $lanes) (i32.const 1))))
                (local.set $found
                  (call $verify
                    (i32.load8_u (i32.add (i32.const 64) (local.get $j)))
                    (i32.add (local.get $i) (local.get $j))
                    (local.get $end)))
                (if (local.get $found)
                  (then
                    (local.set $hits (i32.or (local.get $hits) (local.get $found)))
                    (if (i32.lt_u (global.get $starts) (i32.const 12288))
                      (then
                        (i32.store
                          (i32.add (i32.const 16384) (i32.shl (global.get $starts) (i32.const 2)))
                          (i32.add (i32.add (local.get $i) (local.get $j)) (local.get $shift)))
                        (global.set $starts (i32.add (global.get $starts) (i32.const 1))))
                      (else (global.set $starts (i32.const 12289))))))
                (br $lane)))))
        ;; Runs of base64-like bytes, carried across blocks: class bits by nibble, as for keywords.
        (local.set $cls
          (i8x16.ne
            (v128.and
              (i8x16.swizzle (v128.load (i32.const 80)) (local.get $n0lo))
              (i8x16.swizzle (v128.load (i32.const 96)) (local.get $n0hi)))
            (v128.const i64x2 0 0)))
        (local.set $m (i8x16.bitmask (local.get $cls)))
        (if (i32.eq (local.get $m) (i32.const 0xffff))
          (then (local.set $run (i32.add (local.get $run) (i32.const 16))))
          (else
            ;; The run so far ends at the first byte that is not part of one …
            (local.set $run (i32.add (local.get $run) (i32.ctz (i32.xor (local.get $m) (i32.const -1)))))
            (if (i32.gt_u (local.get $run) (local.get $best)) (then (local.set $best (local.get $run))))
            ;; … and a new one starts after the last such byte.
            (local.set $t (i32.xor (local.get $m) (i32.const 0xffff)))
            (local.set $run (i32.sub (i32.clz (local.get $t)) (i32.const 16)))))
        (if (i32.gt_u (local.get $run) (local.get $best)) (then (local.set $best (local.get $run))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $block)))
    (global.set $maxRun (local.get $best))
    (if (v128.any_true (local.get $nul))
      (then (local.set $hits (i32.or (local.get $hits) (i32.const 0x40000000)))))
    (local.get $hits))
)

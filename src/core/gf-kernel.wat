;; The inner loops of the Reed–Solomon coder (src/core/reed-solomon.ts): dst ^= g · src over
;; GF(2^8), sixteen bytes at a time. A product g · x is split by nibbles,
;; g · x = g · (x & 15) ^ g · (x & 240), and each half is a lookup in a sixteen-entry table of
;; g's products, which i8x16.swizzle does for sixteen bytes in one instruction. The caller
;; keeps all 256 coefficients' tables in this memory (32 bytes each: low nibbles, then high).
;; Built into src/core/gf-kernel-wasm.ts by scripts/build-gf-kernel.mjs, twice: as written, and
;; with i8x16.relaxed_swizzle, which is one instruction where the engine has relaxed SIMD (an
;; index here is a nibble, below 16, for which the two agree exactly).
(module
  (memory (export "memory") 1)
  ;; dst[i] ^= g · src[i] for i < len; len is a multiple of 16; table is g's 32 bytes.
  (func (export "mulXor") (param $src i32) (param $dst i32) (param $len i32) (param $table i32)
    (local $low v128) (local $high v128) (local $nibble v128) (local $end i32) (local $v v128)
    (local.set $low (v128.load (local.get $table)))
    (local.set $high (v128.load offset=16 (local.get $table)))
    (local.set $nibble (i8x16.splat (i32.const 15)))
    (local.set $end (i32.add (local.get $src) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (v128.store
          (local.get $dst)
          (v128.xor
            (v128.load (local.get $dst))
            (v128.xor
              (i8x16.swizzle (local.get $low) (v128.and (local.get $v) (local.get $nibble)))
              (i8x16.swizzle (local.get $high) (i8x16.shr_u (local.get $v) (i32.const 4))))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $next))))
  ;; The same for four outputs at once, at dst + j · stride with tables t0 … t3: each sixteen
  ;; bytes of src are loaded and split into nibbles once, not four times (about 30% faster).
  (func (export "mulXor4") (param $src i32) (param $dst i32) (param $stride i32) (param $len i32)
      (param $t0 i32) (param $t1 i32) (param $t2 i32) (param $t3 i32)
    (local $l0 v128) (local $h0 v128) (local $l1 v128) (local $h1 v128)
    (local $l2 v128) (local $h2 v128) (local $l3 v128) (local $h3 v128)
    (local $nibble v128) (local $end i32) (local $lo v128) (local $hi v128) (local $v v128)
    (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (local.set $l0 (v128.load (local.get $t0)))
    (local.set $h0 (v128.load offset=16 (local.get $t0)))
    (local.set $l1 (v128.load (local.get $t1)))
    (local.set $h1 (v128.load offset=16 (local.get $t1)))
    (local.set $l2 (v128.load (local.get $t2)))
    (local.set $h2 (v128.load offset=16 (local.get $t2)))
    (local.set $l3 (v128.load (local.get $t3)))
    (local.set $h3 (v128.load offset=16 (local.get $t3)))
    (local.set $nibble (i8x16.splat (i32.const 15)))
    (local.set $end (i32.add (local.get $src) (local.get $len)))
    (local.set $d1 (i32.add (local.get $dst) (local.get $stride)))
    (local.set $d2 (i32.add (local.get $d1) (local.get $stride)))
    (local.set $d3 (i32.add (local.get $d2) (local.get $stride)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $lo (v128.and (local.get $v) (local.get $nibble)))
        (local.set $hi (i8x16.shr_u (local.get $v) (i32.const 4)))
        (v128.store (local.get $dst) (v128.xor (v128.load (local.get $dst))
          (v128.xor (i8x16.swizzle (local.get $l0) (local.get $lo)) (i8x16.swizzle (local.get $h0) (local.get $hi)))))
        (v128.store (local.get $d1) (v128.xor (v128.load (local.get $d1))
          (v128.xor (i8x16.swizzle (local.get $l1) (local.get $lo)) (i8x16.swizzle (local.get $h1) (local.get $hi)))))
        (v128.store (local.get $d2) (v128.xor (v128.load (local.get $d2))
          (v128.xor (i8x16.swizzle (local.get $l2) (local.get $lo)) (i8x16.swizzle (local.get $h2) (local.get $hi)))))
        (v128.store (local.get $d3) (v128.xor (v128.load (local.get $d3))
          (v128.xor (i8x16.swizzle (local.get $l3) (local.get $lo)) (i8x16.swizzle (local.get $h3) (local.get $hi)))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $d1 (i32.add (local.get $d1) (i32.const 16)))
        (local.set $d2 (i32.add (local.get $d2) (i32.const 16)))
        (local.set $d3 (i32.add (local.get $d3) (i32.const 16)))
        (br $next)))))

;; The inner loop of the Reed–Solomon coder (src/core/reed-solomon.ts): dst ^= g · src over
;; GF(2^8), sixteen bytes at a time. A product g · x is split by nibbles,
;; g · x = g · (x & 15) ^ g · (x & 240), and each half is a lookup in a sixteen-entry table of
;; g's products, which i8x16.swizzle does for sixteen bytes in one instruction. The caller
;; keeps all 256 coefficients' tables in this memory (32 bytes each: low nibbles, then high).
;; Built into src/core/gf-kernel-wasm.ts by scripts/build-gf-kernel.mjs.
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
        (br $next)))))

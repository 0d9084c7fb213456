;; Int8 dot-product kernel for VectorMatrix (core/int8-rows.ts), WebAssembly SIMD128.
;;
;; Assembled with the npm package wabt into core/int8-dot-kernel.ts by
;; `npm run kernel:build` (core/int8-dot-kernel.build.ts); a unit test checks
;; that the committed bytes are what this file assembles to.
;;
;; Only SIMD128 instructions (Chrome 91, Firefox 89, Safari 16.4, Node 16.4):
;; WebAssembly.validate() on these bytes is the feature test. Relaxed SIMD's
;; i32x4.relaxed_dot_i8x16_i7x16_add_s was measured slower on x86 (see the
;; module comment in core/int8-rows.ts) and is not used.
;;
;; Integer arithmetic only, so every result is exact: the caller bounds the
;; i16 query so no i32 lane can overflow (|q| · 128 · dim < 2^31).

(module
  ;; Sized by the caller: query, rows, inverse norms and scores of one matrix.
  (memory (import "env" "memory") 1)

  ;; For each of `count` int8 rows of `dim` values starting at `rows`:
  ;;   out[i] = f32( f64(Σ row[k]·query[k]) · f64(invNorms[i]) · factor )
  ;; the same operations, in the same order, as the JS loop, so the scores
  ;; are bit-identical. `query` holds `chunks`·16 i16 values, zero past dim:
  ;; each row is read 16 bytes at a time, and bytes past its end (the next
  ;; row, or 16 bytes of slack after the last) meet those zeros. `count` ≥ 1.
  (func (export "scoreRows")
    (param $rows i32) (param $count i32) (param $dim i32) (param $query i32) (param $chunks i32)
    (param $invNorms i32) (param $out i32) (param $factor f64)
    (local $p i32) (local $q i32) (local $k i32) (local $end i32)
    (local $acc0 v128) (local $acc1 v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (loop $row
      (local.set $acc0 (v128.const i32x4 0 0 0 0))
      (local.set $acc1 (v128.const i32x4 0 0 0 0))
      (local.set $p (local.get $rows))
      (local.set $q (local.get $query))
      (local.set $k (local.get $chunks))
      (loop $chunk
        ;; load8x8_s sign-extends 8 int8 values to i16x8 in one instruction;
        ;; dot_i16x8_s multiplies pairs and adds neighbours into i32x4.
        (local.set $acc0 (i32x4.add (local.get $acc0)
          (i32x4.dot_i16x8_s (v128.load8x8_s (local.get $p)) (v128.load (local.get $q)))))
        (local.set $acc1 (i32x4.add (local.get $acc1)
          (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (local.get $p)) (v128.load offset=16 (local.get $q)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (br_if $chunk (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc1)))
      (f32.store (local.get $out)
        (f32.demote_f64
          (f64.mul
            (f64.mul
              (f64.convert_i32_s
                (i32.add
                  (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
                  (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))
              (f64.promote_f32 (f32.load (local.get $invNorms))))
            (local.get $factor))))
      (local.set $rows (i32.add (local.get $rows) (local.get $dim)))
      (local.set $invNorms (i32.add (local.get $invNorms) (i32.const 4)))
      (br_if $row (i32.ne (local.tee $out (i32.add (local.get $out) (i32.const 4))) (local.get $end)))))

  ;; Σ a[k]·b[k] over `dim` int8 values: 8 at a time, then one at a time (no
  ;; reading past either row, whose bytes would not meet zeros here).
  (func (export "dotRows") (param $a i32) (param $b i32) (param $dim i32) (result i32)
    (local $end8 i32) (local $end i32) (local $acc v128) (local $sum i32)
    (local.set $end (i32.add (local.get $a) (local.get $dim)))
    (local.set $end8 (i32.add (local.get $a) (i32.and (local.get $dim) (i32.const -8))))
    (block $vectors_done
      (br_if $vectors_done (i32.eq (local.get $a) (local.get $end8)))
      (loop $vectors
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (v128.load8x8_s (local.get $a)) (v128.load8x8_s (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br_if $vectors (i32.ne (local.get $a) (local.get $end8)))))
    (local.set $sum
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
        (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
    (block $tail_done
      (br_if $tail_done (i32.eq (local.get $a) (local.get $end)))
      (loop $tail
        (local.set $sum (i32.add (local.get $sum)
          (i32.mul (i32.load8_s (local.get $a)) (i32.load8_s (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br_if $tail (i32.ne (local.get $a) (local.get $end)))))
    (local.get $sum))
)

"""Whole-row operations on the lanes of a Monte Carlo block, as vector instructions.

A lane row (one value per iteration of a block) is a few SIMD registers wide, and
the passes of :mod:`pmo.engine.risk.passes` do a handful of operations on whole
rows per link. Written as ordinary loops over row views, numba keeps a reference
count on each view (two calls to the runtime per row touched) and LLVM does not
vectorise them: it unrolls the short loop first and then cannot rule out that the
two rows overlap. These intrinsics emit the vector operations directly.

Additions and subtractions saturate at the int32 bounds: a lane value beyond the
``LOW`` / ``HIGH`` sentinels of the passes stays beyond them instead of wrapping.
Rows are addressed as ``array[index..., :]`` with ``index`` a tuple of integers, in
int32 arrays that are C-contiguous (a row is ``LANES`` adjacent values) and have one
axis more than the index; anything else is a typing error, not a silent misread. The
last axis must hold ``LANES`` values and indices must be in range: neither is checked.
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["LANES", "place_early", "place_late", "prefetch_rows", "pull_min", "push_max"]

#: Iterations scheduled together: a row of 32 int32 values is 128 bytes, two or three
#: cache lines (numba aligns arrays to 32 bytes only); the per-link decoding, branches
#: and prefetch are shared by more iterations.
LANES = 32

_I32 = ir.IntType(32)
_VEC = ir.VectorType(_I32, LANES)


def _row(context, builder, arrty, arr, idxty, idx):
    """Pointer to ``arr[idx..., 0]`` as a pointer to a lane vector."""
    ary = context.make_array(arrty)(context, builder, arr)
    values = cgutils.unpack_tuple(builder, idx, len(idxty))
    at = [context.cast(builder, v, t, types.intp) for v, t in zip(values, idxty, strict=True)]
    at.append(context.get_constant(types.intp, 0))
    ptr = cgutils.get_item_pointer(context, builder, arrty, ary, at, wraparound=False)
    return builder.bitcast(ptr, _VEC.as_pointer())


def _row_at(context, builder, arrty, arr, idx):
    """:func:`_row` for indices that are already ``intp`` values."""
    tupty = types.UniTuple(types.intp, len(idx))
    return _row(context, builder, arrty, arr, tupty, context.make_tuple(builder, tupty, idx))


def _splat(context, builder, value, ty):
    """A lane vector of ``value`` (an integer of numba type ``ty``), clamped to int32."""
    wide = context.cast(builder, value, ty, types.int64)
    i64 = ir.IntType(64)
    lo, hi = ir.Constant(i64, -(1 << 31)), ir.Constant(i64, (1 << 31) - 1)
    wide = builder.select(builder.icmp_signed("<", wide, lo), lo, wide)
    wide = builder.select(builder.icmp_signed(">", wide, hi), hi, wide)
    one = builder.insert_element(ir.Constant(_VEC, ir.Undefined), builder.trunc(wide, _I32),
                                 ir.Constant(_I32, 0))  # fmt: skip
    return builder.shuffle_vector(one, ir.Constant(_VEC, ir.Undefined),
                                  ir.Constant(_VEC, [0] * LANES))  # fmt: skip


def _sat(builder, name, a, b):
    fnty = ir.FunctionType(_VEC, [_VEC, _VEC])
    fn = cgutils.get_or_insert_function(builder.module, fnty, f"llvm.{name}.sat.v{LANES}i32")
    return builder.call(fn, [a, b])


def _max(builder, a, b):
    return builder.select(builder.icmp_signed(">", a, b), a, b)


def _min(builder, a, b):
    return builder.select(builder.icmp_signed("<", a, b), a, b)


def _load(builder, ptr):
    return builder.load(ptr, align=4)


def _store(builder, value, ptr):
    builder.store(value, ptr, align=4)


def _is_int_tuple(ty) -> bool:
    return isinstance(ty, types.BaseTuple) and all(isinstance(t, types.Integer) for t in ty)


def _is_rows(ty, ndim: int, written: bool = False) -> bool:
    """Whether ``ty`` is an array of ``ndim`` axes whose last-axis rows are lane vectors:
    int32 and C-contiguous (a strided or int64 array would be misread), and writable if
    ``written``."""
    return (
        isinstance(ty, types.Array)
        and ty.dtype == types.int32
        and ty.layout == "C"
        and ty.aligned
        and ty.ndim == ndim
        and (ty.mutable or not written)
    )


@intrinsic
def prefetch_rows(typingctx, arr, i):  # pragma: no cover - compiled
    """Ask the CPU to fetch every row of ``arr[i]`` (an activity's block of rows).

    A block is a few cache lines, and which row a link will touch is only known once
    its type is read: fetching them all a few links ahead costs a few instructions.
    """
    if not (isinstance(i, types.Integer) and _is_rows(arr, 3)):
        return None
    sig = types.void(arr, i)

    def codegen(context, builder, signature, args):
        arrty, ity = signature.args
        ary = context.make_array(arrty)(context, builder, args[0])
        rows = builder.extract_value(ary.shape, 1)
        first = _row_at(context, builder, arrty, args[0],
                        (context.cast(builder, args[1], ity, types.intp),
                         context.get_constant(types.intp, 0)))  # fmt: skip
        i8p = ir.IntType(8).as_pointer()
        base = builder.bitcast(first, i8p)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, _I32, _I32, _I32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        flags = [ir.Constant(_I32, 0), ir.Constant(_I32, 3), ir.Constant(_I32, 1)]
        size = builder.mul(rows, ir.Constant(rows.type, 4 * LANES))
        # Every 64 bytes from the first to the last byte of the block.
        with cgutils.for_range_slice(
            builder, ir.Constant(rows.type, 0), size, ir.Constant(rows.type, 64), rows.type
        ) as (offset, _):
            builder.call(fn, [builder.gep(base, [offset]), *flags])
        last = builder.sub(size, ir.Constant(rows.type, 1))
        builder.call(fn, [builder.gep(base, [last]), *flags])
        return context.get_dummy_value()

    return sig, codegen


def _lagged_rows(dst, at, src, frm, lag, op, pick):
    """Typing and code of ``dst[at] = pick(dst[at], op(src[frm], lag))``: the one shape
    of :func:`push_max` and :func:`pull_min`, which differ in ``op`` and ``pick``."""
    if not (_is_int_tuple(at) and _is_int_tuple(frm) and isinstance(lag, types.Integer)):
        return None
    if not (_is_rows(dst, len(at) + 1, written=True) and _is_rows(src, len(frm) + 1)):
        return None
    sig = types.void(dst, at, src, frm, lag)

    def codegen(context, builder, signature, args):
        dty, aty, sty, fty, lty = signature.args
        d = _row(context, builder, dty, args[0], aty, args[1])
        s = _row(context, builder, sty, args[2], fty, args[3])
        moved = _sat(builder, op, _load(builder, s), _splat(context, builder, args[4], lty))
        _store(builder, pick(builder, _load(builder, d), moved), d)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def push_max(typingctx, dst, at, src, frm, lag):  # pragma: no cover - compiled
    """``dst[at] = max(dst[at], src[frm] + lag)`` on whole lane rows."""
    return _lagged_rows(dst, at, src, frm, lag, "sadd", _max)


@intrinsic
def pull_min(typingctx, dst, at, src, frm, lag):  # pragma: no cover - compiled
    """``dst[at] = min(dst[at], src[frm] - lag)`` on whole lane rows."""
    return _lagged_rows(dst, at, src, frm, lag, "ssub", _min)


@intrinsic
def place_early(typingctx, early, req, d, u, lo):  # pragma: no cover - compiled
    """Early dates of activity ``u`` in every lane, from its requirements (the fast
    path of ``kernels.forward``): start ``max(lo, req start, req finish - d)``,
    finish start + d."""
    if not (isinstance(u, types.Integer) and isinstance(lo, types.Integer)):
        return None
    if not (_is_rows(early, 3, written=True) and _is_rows(req, 3) and _is_rows(d, 2)):
        return None
    sig = types.void(early, req, d, u, lo)

    def codegen(context, builder, signature, args):
        ety, rty, dty, uty, loty = signature.args
        u0 = context.get_constant(types.intp, 0)
        u1 = context.get_constant(types.intp, 1)
        uu = context.cast(builder, args[3], uty, types.intp)

        def row(ty, arr, *idx):
            return _row_at(context, builder, ty, arr, idx)

        du = _load(builder, row(dty, args[2], uu))
        rs = _load(builder, row(rty, args[1], uu, u0))
        rf = _load(builder, row(rty, args[1], uu, u1))
        start = _max(builder, _splat(context, builder, args[4], loty), rs)
        start = _max(builder, start, _sat(builder, "ssub", rf, du))
        _store(builder, start, row(ety, args[0], uu, u0))
        _store(builder, _sat(builder, "sadd", start, du), row(ety, args[0], uu, u1))
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def place_late(typingctx, late, hi, d, early, u, cap, threshold, live):  # pragma: no cover
    """Late dates of activity ``u`` in every lane from its limits ``hi`` (the fast path
    of ``kernels.backward``): finish ``min(hi finish, cap, hi start + d)``, start
    finish - d. Returns how many of the first ``live`` lanes have a total float
    (late minus early finish) of at most ``threshold``."""
    ints = (u, cap, threshold, live)
    if not all(isinstance(x, types.Integer) for x in ints):
        return None
    rows = (_is_rows(late, 3, written=True), _is_rows(hi, 2), _is_rows(d, 2), _is_rows(early, 3))
    if not all(rows):
        return None
    sig = types.int64(late, hi, d, early, u, cap, threshold, live)

    def codegen(context, builder, signature, args):
        lty, hty, dty, ety, uty, cty, tty, vty = signature.args
        u0 = context.get_constant(types.intp, 0)
        u1 = context.get_constant(types.intp, 1)
        uu = context.cast(builder, args[4], uty, types.intp)

        def row(ty, arr, *idx):
            return _row_at(context, builder, ty, arr, idx)

        du = _load(builder, row(dty, args[2], uu))
        hs = _load(builder, row(hty, args[1], u0))
        hf = _load(builder, row(hty, args[1], u1))
        finish = _min(builder, hf, _splat(context, builder, args[5], cty))
        finish = _min(builder, finish, _sat(builder, "sadd", hs, du))
        _store(builder, _sat(builder, "ssub", finish, du), row(lty, args[0], uu, u0))
        _store(builder, finish, row(lty, args[0], uu, u1))
        ef = _load(builder, row(ety, args[3], uu, u1))
        slack = _sat(builder, "ssub", finish, ef)
        critical = builder.icmp_signed("<=", slack, _splat(context, builder, args[6], tty))
        lanes = ir.Constant(_VEC, list(range(LANES)))
        alive = builder.icmp_signed("<", lanes, _splat(context, builder, args[7], vty))
        mask = builder.and_(critical, alive)
        bits = builder.bitcast(mask, ir.IntType(LANES))
        count = builder.call(
            cgutils.get_or_insert_function(
                builder.module,
                ir.FunctionType(ir.IntType(LANES), [ir.IntType(LANES)]),
                f"llvm.ctpop.i{LANES}",
            ),
            [bits],
        )
        return builder.zext(count, ir.IntType(64))

    return sig, codegen

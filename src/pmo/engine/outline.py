"""Keep the rare branches of a compiled loop out of its registers.

A pass over a network does a few additions per link in the common case, and in rare
cases (an elapsed lag, a constrained or started activity) calendar look-ups that read
a dozen arrays. Compiled as one function, LLVM inlines the rare code into the loop and
hoists its loads of array pointers and sizes out of it; the common path then runs
short of registers and spills on every link (measured: a backward pass over 100,000
activities took 3.6 ms, and 2.0 ms without the rare code).

Two tools keep the rare code from costing the common path:

* :func:`outlined` wraps a jitted function so that calls to it stay calls (the call
  site is marked ``noinline``).
* :func:`stash` stores a value (typically a tuple of arrays) in a stack slot once, and
  returns a pointer to it; an outlined function takes that pointer and reads the value
  back with :func:`unstash`. The loop then holds one pointer instead of every array.

Examples
--------
>>> import numpy as np
>>> from numba import njit
>>> @njit
... def _scaled(i, ctx):
...     values, factor = unstash(ctx)
...     return values[i] * factor
>>> scaled = outlined(_scaled)
>>> @njit
... def total(values, factor):
...     ctx = stash((values, factor))
...     acc = 0
...     for i in range(values.shape[0]):
...         acc += scaled(i, ctx)
...     return acc
>>> int(total(np.arange(4), 3))
18
"""

from numba import types
from numba.core import cgutils
from numba.core.compiler import Flags
from numba.core.registry import CPUDispatcher
from numba.extending import intrinsic

__all__ = ["outlined", "stash", "unstash"]


def outlined(func: CPUDispatcher) -> object:
    """An intrinsic that calls the jitted ``func`` through a call LLVM does not inline.

    The wrapper takes the same positional arguments as ``func`` (no keywords) and
    returns what it returns; an exception raised in ``func`` propagates as usual.
    """
    impl = func.py_func
    dispatcher = types.Dispatcher(func)

    @intrinsic
    def call(typingctx, *args):  # pragma: no cover - compiled
        inner = typingctx.resolve_function_type(dispatcher, args, {})
        if inner is None:
            return None
        outer = inner.return_type(types.StarArgTuple.from_types(args))

        def codegen(context, builder, signature, llargs):
            values = [builder.extract_value(llargs[0], i) for i in range(len(args))]
            # Without reference counting: the outlined code only borrows what it is
            # given, and counting every array of a stashed tuple in and out would
            # cost more than the call (about 50 atomic operations). Not from numba's
            # cache of compiled helpers, which does not tell the two builds apart.
            plain = context.subtarget(enable_nrt=False)
            cres = plain.compile_subroutine(builder, impl, inner, flags=Flags(), caching=False)
            fn = context.declare_function(builder.module, cres.fndesc)
            status, result = context.call_conv.call_function(
                builder, fn, inner.return_type, inner.args, values
            )
            for instr in reversed(builder.block.instructions):
                if getattr(instr, "callee", None) is fn:
                    instr.attributes.add("noinline")
                    break
            with cgutils.if_unlikely(builder, status.is_error):
                context.call_conv.return_status_propagate(builder, status)
            return result

        return outer, codegen

    call.__name__ = call.__qualname__ = f"outlined_{func.__name__}"
    return call


@intrinsic
def stash(typingctx, value):  # pragma: no cover - compiled
    """Store ``value`` in a slot of the calling function's frame; return its address.

    The pointer is valid until the calling function returns. The value is borrowed,
    not copied: arrays in it must outlive the pointer (they do when they are the
    caller's arguments).
    """
    sig = types.CPointer(value)(value)

    def codegen(context, builder, signature, args):
        slot = cgutils.alloca_once(builder, context.get_value_type(signature.args[0]))
        builder.store(args[0], slot)
        return slot

    return sig, codegen


@intrinsic
def unstash(typingctx, ptr):  # pragma: no cover - compiled
    """The value stored by :func:`stash` at ``ptr``."""
    if not isinstance(ptr, types.CPointer):
        return None
    sig = ptr.dtype(ptr)

    def codegen(context, builder, signature, args):
        value = builder.load(args[0])
        # The caller releases what an intrinsic returns: take a reference for it.
        if context.enable_nrt:
            context.nrt.incref(builder, signature.return_type, value)
        return value

    return sig, codegen

"""Container modules: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict."""

import operator
from collections import OrderedDict
from collections import abc as container_abcs
from itertools import chain, islice

from ..._C import Tensor
from ..parameter import Parameter
from .module import Module, _addindent, _typename

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]



def _abs_string_index(idx, length):
    """The key ("0", "1", ...) of list position idx (negative counts from the end)."""
    idx = operator.index(idx)
    if not (-length <= idx < length):
        raise IndexError(f"index {idx} is out of range")
    return str(idx + length if idx < 0 else idx)

class Sequential(Module):
    r"""A sequential container: its forward runs the modules in order, each one's output feeding the next.

    Modules are given as positional arguments (named "0", "1", ...) or as one OrderedDict of
    names to modules.

    Example::

        >>> class Double(ember.nn.Module):
        ...     def forward(self, x):
        ...         return x * 2
        >>> model = ember.nn.Sequential(Double(), Double())
        >>> model(ember.ones(1))
        tensor([4.])
        >>> model = ember.nn.Sequential(OrderedDict([("a", Double()), ("b", Double())]))
        >>> model[-1] is model.b
        True
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

    def _get_item_by_idx(self, iterator, idx):
        """Get the idx-th item of the iterator."""
        size = len(self)
        idx = operator.index(idx)
        if not -size <= idx < size:
            raise IndexError(f"index {idx} is out of range")
        idx %= size
        return next(islice(iterator, idx, None))

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return self.__class__(OrderedDict(list(self._modules.items())[idx]))
        return self._get_item_by_idx(self._modules.values(), idx)

    def __setitem__(self, idx, module):
        key = self._get_item_by_idx(self._modules.keys(), idx)
        return setattr(self, key, module)

    def __delitem__(self, idx):
        if isinstance(idx, slice):
            for key in list(self._modules.keys())[idx]:
                delattr(self, key)
        else:
            key = self._get_item_by_idx(self._modules.keys(), idx)
            delattr(self, key)
        # To preserve numbering
        str_indices = [str(i) for i in range(len(self._modules))]
        self._modules = OrderedDict(list(zip(str_indices, self._modules.values())))

    def __len__(self):
        return len(self._modules)

    def __add__(self, other):
        if isinstance(other, Sequential):
            ret = Sequential()
            for layer in self:
                ret.append(layer)
            for layer in other:
                ret.append(layer)
            return ret
        raise ValueError(f"add operator supports only objects of Sequential class, but {str(type(other))} is given.")

    def __iadd__(self, other):
        if isinstance(other, Sequential):
            offset = len(self)
            for i, module in enumerate(other):
                self.add_module(str(i + offset), module)
            return self
        raise ValueError(f"add operator supports only objects of Sequential class, but {str(type(other))} is given.")

    def pop(self, key):
        r"""Removes the module at index ``key`` (an int or a slice) and returns it.

        Example::

            >>> s = ember.nn.Sequential(ember.nn.Module(), ember.nn.Sequential())
            >>> s.pop(0)
            Module()
            >>> len(s)
            1
        """
        v = self[key]
        del self[key]
        return v

    def __dir__(self):
        keys = super().__dir__()
        return [key for key in keys if not key.isdigit()]

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        r"""Appends a module at the end.

        Example::

            >>> len(ember.nn.Sequential().append(ember.nn.Module()))
            1
        """
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index, module):
        r"""Inserts ``module`` before position ``index`` (negative indices count from the end).

        Example::

            >>> s = ember.nn.Sequential(ember.nn.Module()).insert(0, ember.nn.Sequential())
            >>> s[0]
            Sequential()
        """
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        n = len(self._modules)
        if not (-n <= index <= n):
            raise IndexError(f"Index out of range: {index}")
        if index < 0:
            index += n
        for i in range(n, index, -1):
            self._modules[str(i)] = self._modules[str(i - 1)]
        self._modules[str(index)] = module
        return self

    def extend(self, sequential):
        r"""Appends every module of an iterable of modules.

        Example::

            >>> len(ember.nn.Sequential().extend([ember.nn.Module(), ember.nn.Module()]))
            2
        """
        for layer in sequential:
            self.append(layer)
        return self

    def forward(self, input):
        r"""Runs the modules in order, each on the previous one's output.

        Example::

            >>> ember.nn.Sequential()(ember.ones(1))
            tensor([1.])
        """
        for module in self:
            input = module(input)
        return input


class ModuleList(Module):
    r"""Holds submodules in a list, registered so that all Module methods see them.

    Example::

        >>> layers = ember.nn.ModuleList([ember.nn.Module() for _ in range(3)])
        >>> len(layers), len(list(layers.modules()))
        (3, 4)
        >>> layers
        ModuleList(
          (0-2): 3 x Module()
        )
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self += modules

    def _get_abs_string_index(self, idx):
        return _abs_string_index(idx, len(self))

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return self.__class__(list(self._modules.values())[idx])
        return self._modules[self._get_abs_string_index(idx)]

    def __setitem__(self, idx, module):
        idx = self._get_abs_string_index(idx)
        return setattr(self, str(idx), module)

    def __delitem__(self, idx):
        if isinstance(idx, slice):
            for k in range(len(self._modules))[idx]:
                delattr(self, str(k))
        else:
            delattr(self, self._get_abs_string_index(idx))
        # To preserve numbering, self._modules is being reconstructed with modules after deletion
        str_indices = [str(i) for i in range(len(self._modules))]
        self._modules = OrderedDict(list(zip(str_indices, self._modules.values())))

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        combined = ModuleList()
        for i, module in enumerate(chain(self, other)):
            combined.add_module(str(i), module)
        return combined

    def __repr__(self):
        # collapse runs of identical reprs into "(i-j): n x ..."
        list_of_reprs = [repr(item) for item in self]
        if len(list_of_reprs) == 0:
            return self._get_name() + "()"

        start_end_indices = [[0, 0]]
        repeated_blocks = [list_of_reprs[0]]
        for i, r in enumerate(list_of_reprs[1:], 1):
            if r == repeated_blocks[-1]:
                start_end_indices[-1][1] += 1
                continue
            start_end_indices.append([i, i])
            repeated_blocks.append(r)

        lines = []
        main_str = self._get_name() + "("
        for (start_id, end_id), b in zip(start_end_indices, repeated_blocks):
            local_repr = f"({start_id}): {b}"  # default repr
            if start_id != end_id:
                n = end_id - start_id + 1
                local_repr = f"({start_id}-{end_id}): {n} x {b}"
            lines.append(_addindent(local_repr, 2))
        main_str += "\n  " + "\n  ".join(lines) + "\n"
        main_str += ")"
        return main_str

    def __dir__(self):
        keys = super().__dir__()
        return [key for key in keys if not key.isdigit()]

    def insert(self, index, module):
        r"""Inserts ``module`` before position ``index``.

        Example::

            >>> l = ember.nn.ModuleList([ember.nn.Module()])
            >>> l.insert(0, ember.nn.Sequential())
            >>> l[0]
            Sequential()
        """
        for i in range(len(self._modules), index, -1):
            self._modules[str(i)] = self._modules[str(i - 1)]
        self._modules[str(index)] = module

    def append(self, module):
        r"""Appends a module at the end.

        Example::

            >>> len(ember.nn.ModuleList().append(ember.nn.Module()))
            1
        """
        self.add_module(str(len(self)), module)
        return self

    def pop(self, key):
        r"""Removes the module at index ``key`` and returns it.

        Example::

            >>> ember.nn.ModuleList([ember.nn.Module()]).pop(0)
            Module()
        """
        v = self[key]
        del self[key]
        return v

    def extend(self, modules):
        r"""Appends every module of an iterable.

        Example::

            >>> len(ember.nn.ModuleList().extend([ember.nn.Module(), ember.nn.Module()]))
            2
        """
        if not isinstance(modules, container_abcs.Iterable):
            raise TypeError("ModuleList.extend should be called with an iterable, but got " + type(modules).__name__)
        offset = len(self)
        for i, module in enumerate(modules):
            self.add_module(str(offset + i), module)
        return self


class ModuleDict(Module):
    r"""Holds submodules in an ordered dictionary, registered so that all Module methods see them.

    Example::

        >>> d = ember.nn.ModuleDict({"enc": ember.nn.Module(), "dec": ember.nn.Sequential()})
        >>> list(d.keys())
        ['enc', 'dec']
        >>> d["dec"]
        Sequential()
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def clear(self):
        r"""Removes all items.

        Example::

            >>> d = ember.nn.ModuleDict({"a": ember.nn.Module()}); d.clear(); len(d)
            0
        """
        self._modules.clear()

    def pop(self, key):
        r"""Removes the module under ``key`` and returns it.

        Example::

            >>> ember.nn.ModuleDict({"a": ember.nn.Module()}).pop("a")
            Module()
        """
        v = self[key]
        del self[key]
        return v

    def keys(self):
        r"""Returns the keys.

        Example::

            >>> list(ember.nn.ModuleDict({"a": ember.nn.Module()}).keys())
            ['a']
        """
        return self._modules.keys()

    def items(self):
        r"""Returns the (key, module) pairs.

        Example::

            >>> [k for k, _ in ember.nn.ModuleDict({"a": ember.nn.Module()}).items()]
            ['a']
        """
        return self._modules.items()

    def values(self):
        r"""Returns the modules.

        Example::

            >>> list(ember.nn.ModuleDict({"a": ember.nn.Module()}).values())
            [Module()]
        """
        return self._modules.values()

    def update(self, modules):
        r"""Updates from a mapping or an iterable of (key, module) pairs, overwriting existing keys.

        Example::

            >>> d = ember.nn.ModuleDict()
            >>> d.update([("a", ember.nn.Module())]); list(d)
            ['a']
        """
        if not isinstance(modules, container_abcs.Iterable):
            raise TypeError("ModuleDict.update should be called with an "
                            "iterable of key/value pairs, but got " + type(modules).__name__)
        if isinstance(modules, (OrderedDict, ModuleDict, container_abcs.Mapping)):
            for key, module in modules.items():
                self[key] = module
        else:
            # modules here can be a list with two items
            for j, m in enumerate(modules):
                if not isinstance(m, container_abcs.Iterable):
                    raise TypeError("ModuleDict update sequence element "
                                    "#" + str(j) + " should be Iterable; is" + type(m).__name__)
                if not len(m) == 2:
                    raise ValueError("ModuleDict update sequence element "
                                     "#" + str(j) + " has length " + str(len(m)) + "; 2 is required")
                self[m[0]] = m[1]


def _param_line(key, p, type_str):
    # ParameterList names the dtype ("ember.float32"), ParameterDict the tensor type
    # ("ember.FloatTensor"), as torch does
    if isinstance(p, Tensor):
        size_str = "x".join(str(size) for size in p.size())
        device_str = f" ({p.device})" if p.device.type == "cuda" else ""
        parastr = "{} containing: [{} of size {}{}]".format(
            "Parameter" if isinstance(p, Parameter) else "Tensor", type_str(p), size_str, device_str)
        return "  (" + str(key) + "): " + parastr
    return "  (" + str(key) + "): Object of type: " + type(p).__name__


class ParameterList(Module):
    r"""Holds parameters in a list. Plain tensors given to it are turned into Parameters.

    Example::

        >>> pl = ember.nn.ParameterList([ember.ones(2), ember.zeros(3)])
        >>> pl
        ParameterList(
            (0): Parameter containing: [ember.float32 of size 2]
            (1): Parameter containing: [ember.float32 of size 3]
        )
        >>> [n for n, _ in pl.named_parameters()]
        ['0', '1']
    """

    def __init__(self, values=None):
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def _get_abs_string_index(self, idx):
        return _abs_string_index(idx, len(self))

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            start, stop, step = idx.indices(len(self))
            out = self.__class__()
            for i in range(start, stop, step):
                out.append(self[i])
            return out
        idx = self._get_abs_string_index(idx)
        return getattr(self, str(idx))

    def __setitem__(self, idx, param):
        idx = self._get_abs_string_index(idx)
        if isinstance(param, Tensor) and not isinstance(param, Parameter):
            param = Parameter(param)
        return setattr(self, str(idx), param)

    def __len__(self):
        return self._size

    def __iter__(self):
        return iter(self[i] for i in range(len(self)))

    def __iadd__(self, parameters):
        return self.extend(parameters)

    def __dir__(self):
        keys = super().__dir__()
        return [key for key in keys if not key.isdigit()]

    def append(self, value):
        r"""Appends a value (a tensor becomes a Parameter).

        Example::

            >>> len(ember.nn.ParameterList().append(ember.ones(1)))
            1
        """
        new_idx = len(self)
        self._size += 1
        self[new_idx] = value
        return self

    def extend(self, values):
        r"""Appends every value of an iterable.

        Example::

            >>> len(ember.nn.ParameterList().extend([ember.ones(1), ember.ones(2)]))
            2
        """
        if not isinstance(values, container_abcs.Iterable) or isinstance(values, Tensor):
            raise TypeError("ParameterList.extend should be called with an iterable, but got " + type(values).__name__)
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        return "\n".join(_param_line(k, p, lambda t: str(t.dtype)) for k, p in enumerate(self))

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    r"""Holds parameters in an ordered dictionary. Plain tensors given to it become Parameters.

    Example::

        >>> pd = ember.nn.ParameterDict({"w": ember.ones(2)})
        >>> pd
        ParameterDict(  (w): Parameter containing: [ember.FloatTensor of size 2])
        >>> isinstance(pd["w"], ember.nn.Parameter)
        True
    """

    def __init__(self, parameters=None):
        super().__init__()
        self._keys = {}
        if parameters is not None:
            self.update(parameters)

    def _key_to_attr(self, key):
        if not isinstance(key, str):
            raise TypeError("Index given to ParameterDict cannot be used as a key as it is "
                            f"not a string (type is '{type(key).__name__}'). Open an issue on "
                            "github if you need non-string keys.")
        return key

    def __getitem__(self, key):
        attr = self._key_to_attr(key)
        return getattr(self, attr)

    def __setitem__(self, key, value):
        self._keys[key] = None
        attr = self._key_to_attr(key)
        if isinstance(value, Tensor) and not isinstance(value, Parameter):
            value = Parameter(value)
        setattr(self, attr, value)

    def __delitem__(self, key):
        del self._keys[key]
        attr = self._key_to_attr(key)
        delattr(self, attr)

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __reversed__(self):
        return reversed(list(self._keys))

    def __contains__(self, key):
        return key in self._keys

    def copy(self):
        r"""Returns a shallow copy (the same Parameter objects).

        Example::

            >>> pd = ember.nn.ParameterDict({"w": ember.ones(1)})
            >>> pd.copy()["w"] is pd["w"]
            True
        """
        return ParameterDict(OrderedDict((k, self[k]) for k in self._keys))

    def setdefault(self, key, default=None):
        r"""Returns the value under ``key``, first inserting ``default`` if the key is absent.

        Example::

            >>> ember.nn.ParameterDict().setdefault("w", ember.ones(1)).shape
            ember.Size([1])
        """
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self):
        r"""Removes all items.

        Example::

            >>> pd = ember.nn.ParameterDict({"w": ember.ones(1)}); pd.clear(); len(pd)
            0
        """
        for k in self._keys.copy():
            del self[k]

    def pop(self, key):
        r"""Removes the value under ``key`` and returns it.

        Example::

            >>> ember.nn.ParameterDict({"w": ember.ones(1)}).pop("w").shape
            ember.Size([1])
        """
        v = self[key]
        del self[key]
        return v

    def popitem(self):
        r"""Removes and returns the last inserted (key, value) pair.

        Example::

            >>> ember.nn.ParameterDict({"w": ember.ones(1)}).popitem()[0]
            'w'
        """
        k, _ = self._keys.popitem()
        # restore the key so that pop() finds it
        self._keys[k] = None
        val = self[k]
        del self[k]
        return k, val

    def get(self, key, default=None):
        r"""Returns the value under ``key`` if present, else ``default``.

        Example::

            >>> ember.nn.ParameterDict().get("w") is None
            True
        """
        return self[key] if key in self else default

    def fromkeys(self, keys, default=None):
        r"""Returns a new ParameterDict with ``keys``, each holding ``default``.

        Example::

            >>> list(ember.nn.ParameterDict().fromkeys(["a", "b"], ember.ones(1)))
            ['a', 'b']
        """
        return ParameterDict((k, default) for k in keys)

    def keys(self):
        r"""Returns the keys.

        Example::

            >>> list(ember.nn.ParameterDict({"w": ember.ones(1)}).keys())
            ['w']
        """
        return self._keys.keys()

    def items(self):
        r"""Returns the (key, value) pairs.

        Example::

            >>> [k for k, _ in ember.nn.ParameterDict({"w": ember.ones(1)}).items()]
            ['w']
        """
        return ((k, self[k]) for k in self._keys)

    def values(self):
        r"""Returns the values.

        Example::

            >>> len(list(ember.nn.ParameterDict({"w": ember.ones(1)}).values()))
            1
        """
        return (self[k] for k in self._keys)

    def update(self, parameters):
        r"""Updates from a mapping or an iterable of (key, value) pairs, overwriting existing keys.

        Example::

            >>> pd = ember.nn.ParameterDict(); pd.update({"w": ember.ones(1)}); list(pd)
            ['w']
        """
        if not isinstance(parameters, container_abcs.Iterable):
            raise TypeError("ParametersDict.update should be called with an "
                            "iterable of key/value pairs, but got " + type(parameters).__name__)
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            for key, parameter in parameters.items():
                self[key] = parameter
        elif isinstance(parameters, container_abcs.Mapping):
            for key, parameter in sorted(parameters.items()):
                self[key] = parameter
        else:
            for j, p in enumerate(parameters):
                if not isinstance(p, container_abcs.Iterable):
                    raise TypeError("ParameterDict update sequence element "
                                    "#" + str(j) + " should be Iterable; is" + type(p).__name__)
                if not len(p) == 2:
                    raise ValueError("ParameterDict update sequence element "
                                     "#" + str(j) + " has length " + str(len(p)) + "; 2 is required")
                # parameters as length-2 list too cumbersome to type, see ModuleDict.update comment
                self[p[0]] = p[1]

    def extra_repr(self):
        return "\n".join(_param_line(k, p, _typename) for k, p in self.items())

    def __call__(self, input):
        raise RuntimeError("ParameterDict should not be called.")

    def __or__(self, other):
        copy = self.copy()
        copy.update(other)
        return copy

    def __ror__(self, other):
        copy = other.copy()
        copy.update(self)
        return copy

    def __ior__(self, other):
        self.update(other)
        return self

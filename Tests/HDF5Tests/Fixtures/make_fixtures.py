"""Writes the h5py fixtures the HDF5 and Data tests read (h5py defaults + gzip, see PLATFORM.md).

Run from this directory: python3 make_fixtures.py
"""
import h5py
import numpy as np

with h5py.File("h5py_fixture.h5", "w") as f:
    f.attrs["title"] = "made by h5py"                      # variable-length str
    f.attrs["fixed"] = np.bytes_("fixed-bytes")             # fixed-length, null-padded
    f.attrs["count"] = np.int64(42)
    f.attrs["scale"] = 0.5
    f.attrs["mean"] = np.array([0.25, 0.5, 0.75], dtype=np.float32)
    f.attrs["names"] = ["alpha", "beta", "gamma"]
    f.attrs["config"] = '{"depth": 3, "name": "tiny"}'
    g = f.create_group("group")
    g.create_dataset("images", data=np.arange(2 * 3 * 4 * 5, dtype=np.uint8).reshape(2, 3, 4, 5),
                     chunks=(1, 3, 4, 5), compression="gzip")
    g.create_dataset("labels", data=np.array([3, -1, 7], dtype=np.int64))
    f["doubles"] = np.array([1.5, -2.25, 1e300])
    f["int32"] = np.arange(-5, 5, dtype=np.int32)
    f["mask"] = np.array([[True, False], [False, True], [True, True]])   # h5py bool: enum of int8

# A PyTorch state_dict as `for k, v in model.state_dict().items(): f[k] = v.numpy()` writes it
# (a conv, a batch norm and a linear layer), values chosen by formula so tests can check them.
with h5py.File("state_dict.h5", "w") as f:
    f["conv1.weight"] = (np.arange(4 * 1 * 3 * 3, dtype=np.float32) / 100).reshape(4, 1, 3, 3)
    f["conv1.bias"] = np.array([0.1, -0.2, 0.3, -0.4], dtype=np.float32)
    f["bn1.weight"] = np.ones(4, dtype=np.float32)
    f["bn1.bias"] = np.zeros(4, dtype=np.float32)
    f["bn1.running_mean"] = np.array([0.5, 1.5, 2.5, 3.5], dtype=np.float32)
    f["bn1.running_var"] = np.array([1, 2, 3, 4], dtype=np.float32)
    f["bn1.num_batches_tracked"] = np.array(938, dtype=np.int64)
    f["fc.weight"] = np.full((10, 4), -0.125, dtype=np.float32)
    f["fc.bias"] = np.arange(10, dtype=np.float32)

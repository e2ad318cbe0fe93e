// Exposes HDF5 macros that Swift cannot import as static inline functions.
#ifndef PRUNEBENCH_CHDF5_SHIM_H
#define PRUNEBENCH_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t pb_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t pb_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t pb_H5T_NATIVE_INT8(void) { return H5T_NATIVE_INT8; }
static inline hid_t pb_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t pb_H5T_NATIVE_INT16(void) { return H5T_NATIVE_INT16; }
static inline hid_t pb_H5T_NATIVE_UINT16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t pb_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t pb_H5T_NATIVE_UINT32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t pb_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t pb_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t pb_H5T_C_S1(void) { return H5T_C_S1; }
static inline size_t pb_H5T_VARIABLE(void) { return H5T_VARIABLE; }
static inline hid_t pb_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t pb_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t pb_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t pb_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t pb_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t pb_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t pb_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t pb_H5S_ALL(void) { return H5S_ALL; }
static inline hsize_t pb_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline unsigned pb_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned pb_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned pb_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned pb_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }

/// Switches HDF5's automatic error printing off for the calling thread.
static inline herr_t pb_H5E_silence(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif

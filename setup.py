"""snnkit: install the simulator, its frontends and the kernel sources (package data)."""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
version = next(line.split('"')[1] for line in (HERE / "snnkit" / "__init__.py").read_text().splitlines()
               if line.startswith("__version__"))

extras = {
    "opencl": ["pyopencl[pocl]>=2024.1"],
    "cuda": ["cupy-cuda12x>=13"],
    "nengo": ["nengo>=4.0"],
    "pynn": ["PyNN==0.13.*", "neo"],
    "learn": ["scikit-learn>=1.3"],
    "brian2": ["brian2>=2.9"],
    "dask": ["dask[distributed]>=2023.1"],
    # mpi4py's wheels load whichever MPI library is installed; MPICH's wheel brings one (and mpiexec)
    "mpi": ["mpi4py>=4.0", "mpich>=4.2"],
    "torch": ["torch>=2.1"],                     # snnkit.torch (PLIF/LIF layers for gradient training)
    "test": ["pytest>=7", "pytest-xdist>=3", "libsonata>=0.1.20"],
}
extras["all"] = sorted({req for name in ("opencl", "nengo", "pynn", "learn", "test") for req in extras[name]})

setup(
    name="snnkit",
    version=version,
    description="Spiking neural networks on NumPy, OpenCL and CUDA with SONATA HDF5 output",
    license="BSD-3-Clause",
    license_files=["LICENSE"],
    author="the snnkit developers",
    keywords=["spiking neural networks", "neuroscience", "neuromorphic", "simulation", "GPU", "OpenCL",
              "CUDA", "SONATA", "PyNN", "Nengo"],
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Intended Audience :: Science/Research",
        "Operating System :: OS Independent",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
        "Topic :: Scientific/Engineering :: Bio-Informatics",
        "Environment :: GPU :: NVIDIA CUDA",
    ],
    long_description=(HERE / "README.md").read_text() if (HERE / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["snnkit", "snnkit.*"]) + ["snnkit.kernel_sources", "snnkit_pynn", "snnkit_nengo",
                                                                  "snnkit_brian2"],
    # the device kernels live at the top level in kernels/ and install as snnkit/kernel_sources;
    # the frontends live in frontends/ and install as top-level packages
    package_dir={"snnkit.kernel_sources": "kernels", "snnkit_pynn": "frontends/snnkit_pynn",
                 "snnkit_nengo": "frontends/snnkit_nengo", "snnkit_brian2": "frontends/snnkit_brian2"},
    package_data={"snnkit.kernel_sources": ["*.c", "*.h", "*.md"]},
    install_requires=["numpy>=1.24", "h5py>=3.8", "tqdm>=4.60", "matplotlib>=3.6", "sympy>=1.10"],
    extras_require=extras,
    entry_points={"console_scripts": ["snnkit = snnkit.cli:main"],
                  "nengo.backends": ["snnkit = snnkit_nengo:Simulator"]},
)

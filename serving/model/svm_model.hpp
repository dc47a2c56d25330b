// sextant-svm: a fitted support vector classifier (scikit-learn's SVC, libsvm's one-vs-one) in
// the project's own JSON format (examples/sklearn-svc).
#pragma once

#include <filesystem>
#include <memory>

#include "serving/model/served_model.hpp"

namespace sextant::serving {

inline constexpr const char* kSvmFile = "sextant-svm.json";

// The file sextant-svm.json, version 1 (written by examples/sklearn-svc/train_svc.py):
//   {"format": "sextant-svm", "version": 1,
//    "input": {"name": "pixels", "features": 64},
//    "standardize": {"mean": [...], "scale": [...]},            optional: (x - mean) / scale
//    "kernel": "rbf" | "linear" | "poly" | "sigmoid",
//    "gamma": g, "coef0": c, "degree": d,                       as the kernel needs them
//    "classes": [k integers or strings],
//    "n_support": [k counts],
//    "support_vectors": [[features numbers] x sum(n_support)],  grouped by class, in class order
//    "dual_coef": [[sum(n_support) numbers] x (k - 1)],         scikit-learn's _dual_coef_
//    "intercept": [k (k - 1) / 2 numbers],                      scikit-learn's _intercept_
//    "example": [features numbers], "example_label": label}     optional, checked at load
// Kernels: rbf exp(-g |x - v|^2), linear x.v, poly (g x.v + c)^d, sigmoid tanh(g x.v + c).
// Outputs: "votes" INT64 [-1, k], the pairwise contests each class won, and "label" [-1], the
// class with the most votes (the first of them on a tie), as scikit-learn's predict() answers.
// Throws Error(kInvalidArgument) naming what is wrong with the file.
std::unique_ptr<ServedModel> load_svm_model(const std::filesystem::path& directory);

}  // namespace sextant::serving

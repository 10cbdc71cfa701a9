// Small double-precision 3-D vectors, quaternions (w, x, y, z; Hamilton product) and 3x3
// rotation matrices for per-frame skeleton work (forward/inverse kinematics, the HumanML3D feature
// recipe), where LibTorch's per-op overhead would dominate the tiny sizes.
#pragma once
#include <array>
#include <cmath>

namespace motlab::geometry {

struct Vec3 {
  double x = 0, y = 0, z = 0;
  Vec3 operator+(const Vec3& o) const { return {x + o.x, y + o.y, z + o.z}; }
  Vec3 operator-(const Vec3& o) const { return {x - o.x, y - o.y, z - o.z}; }
  Vec3 operator*(double s) const { return {x * s, y * s, z * s}; }
  Vec3& operator+=(const Vec3& o) { return *this = *this + o; }
  Vec3& operator-=(const Vec3& o) { return *this = *this - o; }
};
inline double dot(const Vec3& a, const Vec3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }
inline Vec3 normalized(const Vec3& a) {
  const double n = norm(a);
  return n > 0 ? a * (1.0 / n) : a;
}

struct Quat {
  double w = 1, x = 0, y = 0, z = 0;
};
inline Quat qmul(const Quat& a, const Quat& b) {
  return {
      a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z, a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
      a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x, a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w};
}
inline Quat qinv(const Quat& q) { return {q.w, -q.x, -q.y, -q.z}; }  // unit quaternions
inline Vec3 qrot(const Quat& q, const Vec3& v) {
  const Vec3 axis{q.x, q.y, q.z};
  const Vec3 uv = cross(axis, v);
  const Vec3 uuv = cross(axis, uv);
  return v + (uv * q.w + uuv) * 2.0;
}
inline Quat qnormalized(const Quat& q) {
  const double n = std::sqrt(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
  return {q.w / n, q.x / n, q.y / n, q.z / n};
}
// The rotation taking direction a to direction b (HumanML3D's qbetween). Opposite directions
// (undefined there: 0/0) get a half turn about an axis perpendicular to a.
inline Quat qbetween(const Vec3& a, const Vec3& b) {
  const Vec3 axis = cross(a, b);
  const double w = std::sqrt(dot(a, a) * dot(b, b)) + dot(a, b);
  const double n2 = w * w + dot(axis, axis);
  if (n2 < 1e-24) {
    Vec3 perpendicular = cross(a, Vec3{1, 0, 0});
    if (norm(perpendicular) < 1e-6) perpendicular = cross(a, Vec3{0, 1, 0});
    perpendicular = normalized(perpendicular);
    return {0, perpendicular.x, perpendicular.y, perpendicular.z};
  }
  return qnormalized({w, axis.x, axis.y, axis.z});
}

// Row-major 3x3 matrix.
struct Mat3 {
  std::array<double, 9> m{1, 0, 0, 0, 1, 0, 0, 0, 1};
  double operator()(int r, int c) const { return m[r * 3 + c]; }
  Mat3 operator*(const Mat3& o) const {
    Mat3 out;
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c)
        out.m[r * 3 + c] =
            m[r * 3] * o.m[c] + m[r * 3 + 1] * o.m[3 + c] + m[r * 3 + 2] * o.m[6 + c];
    return out;
  }
  Vec3 operator*(const Vec3& v) const {
    return {m[0] * v.x + m[1] * v.y + m[2] * v.z, m[3] * v.x + m[4] * v.y + m[5] * v.z,
            m[6] * v.x + m[7] * v.y + m[8] * v.z};
  }
};
inline Mat3 rot_x(double a) {
  const double c = std::cos(a), s = std::sin(a);
  return {{1, 0, 0, 0, c, -s, 0, s, c}};
}
inline Mat3 rot_y(double a) {
  const double c = std::cos(a), s = std::sin(a);
  return {{c, 0, s, 0, 1, 0, -s, 0, c}};
}
inline Mat3 rot_z(double a) {
  const double c = std::cos(a), s = std::sin(a);
  return {{c, -s, 0, s, c, 0, 0, 0, 1}};
}
inline Mat3 quat_to_matrix(const Quat& q) {
  const double two_s = 2.0 / (q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
  const double r = q.w, i = q.x, j = q.y, k = q.z;
  return {{1 - two_s * (j * j + k * k), two_s * (i * j - k * r), two_s * (i * k + j * r),
           two_s * (i * j + k * r), 1 - two_s * (i * i + k * k), two_s * (j * k - i * r),
           two_s * (i * k - j * r), two_s * (j * k + i * r), 1 - two_s * (i * i + j * j)}};
}

}  // namespace motlab::geometry

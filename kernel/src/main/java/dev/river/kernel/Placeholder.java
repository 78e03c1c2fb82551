package dev.river.kernel; /** placeholder */ final class Placeholder {}

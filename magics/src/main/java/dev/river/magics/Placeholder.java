package dev.river.magics; /** placeholder */ final class Placeholder {}

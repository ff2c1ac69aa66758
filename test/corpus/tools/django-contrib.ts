/**
 * The models of Django itself and of the libraries application models build
 * on, written as model classes so that `from-django.ts` reads them like the
 * application's own: the abstract bases contribute their fields, and the
 * concrete ones become tables when an application model points at them
 * (Django's apps create them in the same database). Only their fields are
 * described; their keys are AutoField, as those apps declare.
 */
import {parseModule, type PyClass} from './django-parse.js'

const MODULES: Record<string, string> = {
  auth: `
class AbstractBaseUser(models.Model):
    password = models.CharField(max_length=128)
    last_login = models.DateTimeField(null=True)

    class Meta:
        abstract = True


class PermissionsMixin(models.Model):
    is_superuser = models.BooleanField()
    groups = models.ManyToManyField("auth.Group")
    user_permissions = models.ManyToManyField("auth.Permission")

    class Meta:
        abstract = True


class AbstractUser(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(max_length=150, unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.EmailField()
    is_staff = models.BooleanField()
    is_active = models.BooleanField()
    date_joined = models.DateTimeField()

    class Meta:
        abstract = True


class User(AbstractUser):
    id = models.AutoField(primary_key=True)


class Permission(models.Model):
    id = models.AutoField(primary_key=True)
    name = models.CharField(max_length=255)
    content_type = models.ForeignKey("contenttypes.ContentType")
    codename = models.CharField(max_length=100)

    class Meta:
        unique_together = [["content_type", "codename"]]


class Group(models.Model):
    id = models.AutoField(primary_key=True)
    name = models.CharField(max_length=150, unique=True)
`,
  contenttypes: `
class ContentType(models.Model):
    id = models.AutoField(primary_key=True)
    app_label = models.CharField(max_length=100)
    model = models.CharField(max_length=100)

    class Meta:
        db_table = "django_content_type"
        unique_together = [["app_label", "model"]]
`,
  sites: `
class Site(models.Model):
    id = models.AutoField(primary_key=True)
    domain = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=50)

    class Meta:
        db_table = "django_site"
`,
  mptt: `
class MPTTModel(models.Model):
    lft = models.PositiveIntegerField()
    rght = models.PositiveIntegerField()
    tree_id = models.PositiveIntegerField()
    level = models.PositiveIntegerField()

    class Meta:
        abstract = True
`,
}

/** Module name given to these classes, so that a project's own class of the same name wins. */
export const LIBRARY_MODULE = '<library>'

export function libraryClasses(): PyClass[] {
  return Object.entries(MODULES).flatMap(([app, source]) => parseModule(source, app, LIBRARY_MODULE))
}

/**
 * Concrete models of libraries whose tables are not described; a model extending one (multi-table
 * inheritance) keeps only its `<parent>_ptr_id` key, without a foreign key.
 */
export const EXTERNAL_CONCRETE = new Set(['PeriodicTask'])
